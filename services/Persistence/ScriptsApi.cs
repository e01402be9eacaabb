using HeartRule.Persistence.Scripts;

namespace HeartRule.Persistence;

/// <summary>The public scripts API, served to browsers through the Gateway.</summary>
public static class ScriptsApi
{
    public static IEndpointRouteBuilder MapScriptsApi(this IEndpointRouteBuilder app)
    {
        var scripts = app.MapGroup("/api/scripts").RequireAuthorization();
        scripts.MapGet("/", async (string? kind, ScriptStore store, CancellationToken ct) => Results.Ok(await store.ListAsync(kind, ct)));
        return app;
    }
}
