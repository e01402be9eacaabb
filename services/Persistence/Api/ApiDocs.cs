using System.Text;
using System.Text.Json.Nodes;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Localization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace HeartRule.Persistence.Api;

/// <summary>
/// The OpenAPI document (/api/openapi.json) and an interactive page for it (/api/docs, Swagger UI served from
/// the assembly, so it works offline). Both sit under /api so the Gateway's proxy serves them on the one origin.
/// </summary>
public static class ApiDocs
{
    public const string DocumentPath = "/api/openapi.json";
    public const string PagePrefix = "api/docs";

    public static IServiceCollection AddApiDocs(this IServiceCollection services)
    {
        services.AddOpenApi(options =>
        {
            // Only the public API: /internal is for the services, /health for the orchestrator.
            options.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "HeartRule API",
                    Version = "v1",
                    Description = """
                        Scripts and the stored record of sessions. Every request needs a bearer JWT (the same token as the
                        WebSocket; in Development, POST /auth/dev-token on the Gateway issues one). Errors are RFC 7807
                        problem details (application/problem+json) carrying a HeartRule code, its type, context and recovery.
                        Creating and deleting a session (POST /api/sessions, DELETE /api/sessions/{id}) are served by the
                        Sessions service through the Gateway.

                        """ + ErrorTable(),
                };
                // Relative: the document is read through the Gateway, whatever its host name.
                document.Servers = [new OpenApiServer { Url = "/" }];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    ["Bearer"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT" },
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] }];
                return Task.CompletedTask;
            });
            // The codes a client can meet, straight from the one list in ErrorCodes.
            options.AddSchemaTransformer((schema, context, _) =>
            {
                if (context.JsonTypeInfo.Type == typeof(HeartRuleProblem) && schema.Properties?.TryGetValue("code", out var code) == true && code is OpenApiSchema codeSchema)
                {
                    codeSchema.Enum = [.. ErrorCodes.All.Keys.Order(StringComparer.Ordinal).Select(c => (JsonNode)JsonValue.Create(c))];
                }
                return Task.CompletedTask;
            });
        });
        return services;
    }

    private static string ErrorTable()
    {
        var table = new StringBuilder("| code | HTTP | type | retry | what to do |\n|---|---|---|---|---|\n");
        foreach (var d in ErrorCodes.All.Values)
        {
            table.Append($"| {d.Code} | {d.HttpStatus} | {d.Type.ToString().ToLowerInvariant()} | {(d.CanRetry ? "yes" : "no")} | {Problems.Suggestion(d.Code, Catalogue.DefaultLocale)} |\n");
        }
        return table.ToString();
    }

    /// <summary>
    /// The document and the page, when <c>Api:Docs:Enabled</c> (default: in Development only): outside Development
    /// the API's whole surface is not advertised to anyone who asks, and the page's "try it out" stays off.
    /// </summary>
    public static WebApplication MapApiDocs(this WebApplication app)
    {
        if (!(app.Configuration.GetValue<bool?>("Api:Docs:Enabled") ?? app.Environment.IsDevelopment())) return app;
        var development = app.Environment.IsDevelopment();
        app.MapOpenApi(DocumentPath).AllowAnonymous();
        app.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = PagePrefix;
            ui.SwaggerEndpoint(DocumentPath, "HeartRule API v1");
            ui.DocumentTitle = "HeartRule API";
            ui.EnablePersistAuthorization();
            if (development) ui.EnableTryItOutByDefault();
        });
        return app;
    }
}
