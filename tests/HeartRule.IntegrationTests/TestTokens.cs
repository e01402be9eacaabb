using HeartRule.Infrastructure;

namespace HeartRule.IntegrationTests;

/// <summary>Tokens signed like the Development endpoint's, with any lifetime a test needs.</summary>
public static class TestTokens
{
    public static string Issue(string userId, DateTime? notBefore = null, TimeSpan? lifetime = null, params string[] roles) =>
        new DevTokenIssuer(Options).Issue(userId, lifetime, notBefore, roles);

    /// <summary>A token as the named service mints it for its own calls (role <c>service</c>).</summary>
    public static string Service(string service = "sessions") =>
        new ServiceTokenIssuer(Options, new ServiceEnvironment("HeartRule." + service), TimeProvider.System).Current();

    private static AuthOptions Options => new() { SigningKey = AuthOptions.DevelopmentSigningKey };

    private sealed class ServiceEnvironment(string name) : Microsoft.Extensions.Hosting.IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Development";
        public string ApplicationName { get; set; } = name;
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
