using Microsoft.AspNetCore.StaticFiles;

namespace HeartRule.Gateway.Pages;

/// <summary>
/// Headers on every page and asset. The pages act for a signed-in user (an author publishes, a counsellor takes a
/// session over): another site must not put them in a frame and steer clicks into them. Only the gateway's own
/// pages frame each other (the studio shows the debugger beside the editor).
/// </summary>
public static class PageHeaders
{
    public static IApplicationBuilder UsePages(this IApplicationBuilder app)
    {
        app.UseDefaultFiles();
        return app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = "frame-ancestors 'self'";
                headers.XFrameOptions = "SAMEORIGIN";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
            },
        });
    }
}
