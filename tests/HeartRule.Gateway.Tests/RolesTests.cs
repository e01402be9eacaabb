using System.Security.Claims;
using HeartRule.Infrastructure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HeartRule.Gateway.Tests;

/// <summary>How a token's claims become HeartRule roles, and which signing keys startup accepts.</summary>
public sealed class RolesTests
{
    private static ClaimsPrincipal Principal(string claimType, params string[] values) =>
        new(new ClaimsIdentity([new Claim("sub", "u-1"), new Claim("iss", "heartrule"), .. values.Select(v => new Claim(claimType, v))], "test"));

    [Fact]
    public void A_token_without_roles_is_a_client()
    {
        Assert.Equal([Roles.Client], Roles.Of(Principal("role"), new AuthOptions()));
    }

    [Fact]
    public void Unknown_roles_and_the_service_role_are_not_user_roles()
    {
        var roles = Roles.Of(Principal("role", "author", "superuser", "service"), new AuthOptions());

        Assert.Equal([Roles.Author], roles);
    }

    [Fact]
    public void A_providers_roles_claim_is_mapped_by_configuration()
    {
        var options = new AuthOptions { RoleClaim = "roles" };
        options.RoleMap["HeartRule.Writers"] = Roles.Author;
        options.RoleMap["it-admins"] = Roles.Admin;

        var roles = Roles.Of(Principal("roles", "heartrule.writers", "it-admins", "everyone"), options);

        Assert.Equal([Roles.Admin, Roles.Author], roles.Order(StringComparer.Ordinal));
        // The default claim is not read when another is configured.
        Assert.Equal([Roles.Client], Roles.Of(Principal("role", "admin"), options));
    }

    [Fact]
    public void Only_heartrules_own_service_tokens_are_services()
    {
        var options = new AuthOptions();
        ClaimsPrincipal With(string sub, string iss) =>
            new(new ClaimsIdentity([new Claim("sub", sub), new Claim("iss", iss), new Claim("role", "service")], "test"));

        Assert.True(Roles.IsService(With("service:sessions", "heartrule"), options));
        Assert.False(Roles.IsService(With("alice", "heartrule"), options));
        Assert.False(Roles.IsService(With("service:sessions", "https://login.example"), options));
        Assert.False(Roles.IsService(Principal("role", "admin"), options));
    }

    [Fact]
    public void A_role_map_to_an_unknown_role_is_refused_at_startup()
    {
        var options = new AuthOptions { SigningKey = new string('k', 40) };
        options.RoleMap["root"] = "service";

        var result = new AuthOptionsValidator(new Environment("Production")).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Auth:RoleMap:root is \"service\"", result.FailureMessage);
    }

    [Theory]
    [InlineData("Production", AuthOptions.DevelopmentSigningKey, "documented development key")]
    [InlineData("Staging", "0123456789012345678901234567890", "is 31 bytes")]
    [InlineData("Development", "short", "is 5 bytes")]
    public void Weak_keys_are_refused(string environment, string key, string message)
    {
        var result = new AuthOptionsValidator(new Environment(environment)).Validate(null, new AuthOptions { SigningKey = key });

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage);
    }

    [Fact]
    public void A_strong_key_passes_and_the_development_key_passes_in_development()
    {
        Assert.True(new AuthOptionsValidator(new Environment("Production")).Validate(null, new AuthOptions { SigningKey = new string('k', 32) }).Succeeded);
        Assert.True(new AuthOptionsValidator(new Environment("Development")).Validate(null, new AuthOptions { SigningKey = AuthOptions.DevelopmentSigningKey }).Succeeded);
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "test";
        public string ContentRootPath { get; set; } = "/";
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}
