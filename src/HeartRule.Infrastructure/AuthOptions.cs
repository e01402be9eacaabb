using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HeartRule.Infrastructure;

/// <summary>Settings of the bearer tokens HeartRule accepts and issues (section "Auth").</summary>
public sealed class AuthOptions
{
    /// <summary>HMAC-SHA256 needs a key at least as long as its output.</summary>
    public const int MinimumSigningKeyBytes = 32;

    public string Issuer { get; set; } = "heartrule";
    public string Audience { get; set; } = "heartrule";
    /// <summary>Symmetric signing key (≥ 32 bytes). Required outside Development.</summary>
    public string? SigningKey { get; set; }
    /// <summary>An OpenID Connect authority; when set, its keys are used instead of <see cref="SigningKey"/>.</summary>
    public string? Authority { get; set; }
    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Only for Development, documented in README: a key nobody should deploy.</summary>
    public const string DevelopmentSigningKey = "heartrule-development-signing-key-do-not-deploy";
}

/// <summary>
/// Refuses, at startup, settings that would make every token forgeable: no key at all outside Development, a key
/// too short to resist guessing, or the development key (it is in the README, so anyone can sign with it).
/// </summary>
public sealed class AuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Issuer)) failures.Add("Auth:Issuer must not be empty.");
        if (string.IsNullOrWhiteSpace(options.Audience)) failures.Add("Auth:Audience must not be empty.");
        if (options.DevTokenLifetime <= TimeSpan.Zero) failures.Add("Auth:DevTokenLifetime must be positive.");
        if (options.SigningKey is null && options.Authority is null)
        {
            failures.Add($"Auth:SigningKey (at least {AuthOptions.MinimumSigningKeyBytes} bytes) or Auth:Authority must be configured outside Development.");
        }
        if (options.SigningKey is { } key)
        {
            var bytes = Encoding.UTF8.GetByteCount(key);
            if (bytes < AuthOptions.MinimumSigningKeyBytes)
            {
                failures.Add($"Auth:SigningKey is {bytes} bytes; at least {AuthOptions.MinimumSigningKeyBytes} are needed. Generate one with `openssl rand -base64 48`.");
            }
            if (key == AuthOptions.DevelopmentSigningKey && !environment.IsDevelopment())
            {
                failures.Add($"Auth:SigningKey is the documented development key, which anyone can sign tokens with; it is refused in the {environment.EnvironmentName} environment. Configure a secret key of your own.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
