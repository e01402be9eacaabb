using HeartRule.Infrastructure;
using HeartRule.Persistence.Api;

namespace HeartRule.Persistence;

/// <summary>The service's composition, callable from tests that host it in-process on a random port.</summary>
public static class PersistenceApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Tests host it from another entry assembly: keep the service's own name and settings folder.
            ApplicationName = typeof(PersistenceApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.AddServiceDefaults();
        builder.AddPersistence();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseHeartRuleProblems();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapDefaultEndpoints();
        app.MapInternalEndpoints();
        app.MapApi();
        return app;
    }
}
