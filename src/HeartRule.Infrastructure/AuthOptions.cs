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
    /// <summary>
    /// Symmetric signing key (≥ 32 bytes). Required outside Development: the services sign their own tokens with it
    /// (and users' tokens are checked against it unless <see cref="Authority"/> is set).
    /// </summary>
    public string? SigningKey { get; set; }
    /// <summary>An OpenID Connect authority; when set, its keys are used instead of <see cref="SigningKey"/>.</summary>
    public string? Authority { get; set; }
    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// The claim that carries a user's roles: <c>role</c> in HeartRule's own tokens; an OpenID Connect provider may
    /// use another (<c>roles</c>, <c>groups</c>, …). One claim per role, or a JSON array.
    /// </summary>
    public string RoleClaim { get; set; } = Roles.ClaimType;

    /// <summary>
    /// The provider's role names → HeartRule's (<c>client</c>, <c>author</c>, <c>counsellor</c>, <c>admin</c>), e.g.
    /// <c>Auth:RoleMap:hr-authors=author</c>. A name not in the map counts only if it is one of HeartRule's own.
    /// </summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Lifetime of the tokens a service mints for its own calls to another service.</summary>
    public TimeSpan ServiceTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

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
        if (options.ServiceTokenLifetime < TimeSpan.FromMinutes(1) || options.ServiceTokenLifetime > TimeSpan.FromHours(1))
            failures.Add("Auth:ServiceTokenLifetime must be between 1 minute and 1 hour.");
        if (string.IsNullOrWhiteSpace(options.RoleClaim)) failures.Add("Auth:RoleClaim must not be empty.");
        foreach (var (from, to) in options.RoleMap)
        {
            if (!Roles.IsUserRole(to))
                failures.Add($"Auth:RoleMap:{from} is \"{to}\"; a role maps to one of {string.Join(", ", Roles.UserRoles)}.");
        }
        if (options.SigningKey is null)
        {
            failures.Add($"Auth:SigningKey (at least {AuthOptions.MinimumSigningKeyBytes} bytes) must be configured outside Development: it signs the services' own tokens, and users' too unless Auth:Authority is set.");
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
