using HeartRule.Contracts;
using HeartRule.Localization;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HeartRule.Infrastructure;

/// <summary>Maps an exception to a HeartRule code and message, or returns null to let the next mapper (or INTERNAL_ERROR) decide.</summary>
public delegate (string Code, LocalText Message)? ExceptionProblemMapper(Exception exception);

public sealed class ProblemsOptions
{
    /// <summary>Service-specific mappings, e.g. a database that is restarting → SERVICE_UNAVAILABLE.</summary>
    public List<ExceptionProblemMapper> ExceptionMappers { get; } = [];
}

/// <summary>
/// Makes every error an HTTP service returns a <see cref="HeartRuleProblem"/>: unhandled exceptions, bodiless
/// error statuses from the framework (unknown route, bad binding), and the bearer-token challenge and forbid — each
/// in the language the request's <c>Accept-Language</c> asks for (<see cref="RequestLocale"/>).
/// </summary>
public static class ProblemsExtensions
{
    public static IServiceCollection AddHeartRuleProblems(this IServiceCollection services, Action<ProblemsOptions>? configure = null)
    {
        var options = new ProblemsOptions();
        configure?.Invoke(options);
        services.AddSingleton(options);
        services.Configure<RequestLocalizationOptions>(RequestLocale.Configure);
        // Binding failures (a malformed query value or JSON body) throw, so they reach the handler with their message.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt =>
        {
            jwt.Events ??= new JwtBearerEvents();
            jwt.Events.OnChallenge = async ctx =>
            {
                ctx.HandleResponse();
                var (challenge, message) = BearerChallenge.For(ctx.AuthenticateFailure);
                ctx.Response.Headers.WWWAuthenticate = challenge;
                await Problems.WriteAsync(ctx.HttpContext, Problems.Create(ErrorCodes.Unauthorized, message, ctx.HttpContext));
            };
            jwt.Events.OnForbidden = ctx =>
                Problems.WriteAsync(ctx.HttpContext, Problems.Create(ErrorCodes.Forbidden, LocalText.Of("error.tokenForbidden"), ctx.HttpContext));
        });
        return services;
    }

    /// <summary>
    /// Call first in the pipeline, so that it wraps everything after it. The request's language is settled here too,
    /// before authentication, whose refusals are problems as well.
    /// </summary>
    public static IApplicationBuilder UseHeartRuleProblems(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = HandleExceptionAsync });
        app.UseStatusCodePages(ctx => StatusCodeProblemAsync(ctx.HttpContext));
        app.UseRequestLocalization();
        return app;
    }

    private static Task HandleExceptionAsync(HttpContext http)
    {
        var exception = http.Features.Get<IExceptionHandlerFeature>()?.Error;
        var options = http.RequestServices.GetRequiredService<ProblemsOptions>();
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("HeartRule.Problems");
        HeartRuleProblem problem;
        if (exception is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } tooLarge)
        {
            problem = Problems.Create(ErrorCodes.PayloadTooLarge, LocalText.Of("error.bodyTooLarge"), http);
        }
        else if (exception is BadHttpRequestException bad)
        {
            // The framework's own explanation (which parameter, what was wrong) is English in every language.
            problem = Problems.Create(ErrorCodes.ValidationFailed, LocalText.Of("error.unreadableRequest", ("detail", bad.Message)), http, status: bad.StatusCode);
        }
        else if (exception is not null && options.ExceptionMappers.Select(m => m(exception)).FirstOrDefault(r => r is not null) is { } mapped)
        {
            logger.LogWarning(exception, "Request {Path} failed with {Code}", http.Request.Path, mapped.Code);
            problem = Problems.Create(mapped.Code, mapped.Message, http);
        }
        else
        {
            logger.LogError(exception, "Request {Path} failed", http.Request.Path);
            // The exception text may hold internals: the trace id in the context is what support needs.
            problem = Problems.Create(ErrorCodes.InternalError, LocalText.Of("error.serverFailed"), http);
        }
        return Problems.WriteAsync(http, problem);
    }

    private static Task StatusCodeProblemAsync(HttpContext http)
    {
        var status = http.Response.StatusCode;
        var (code, message) = status switch
        {
            StatusCodes.Status401Unauthorized => (ErrorCodes.Unauthorized, LocalText.Of("error.tokenMissing")),
            StatusCodes.Status403Forbidden => (ErrorCodes.Forbidden, LocalText.Of("error.tokenForbidden")),
            StatusCodes.Status404NotFound => (ErrorCodes.NotFound, LocalText.Of("error.noResource", ("path", http.Request.Path.Value))),
            StatusCodes.Status405MethodNotAllowed => (ErrorCodes.ValidationFailed, LocalText.Of("error.methodNotAllowed", ("method", http.Request.Method), ("path", http.Request.Path.Value))),
            StatusCodes.Status413PayloadTooLarge => (ErrorCodes.PayloadTooLarge, LocalText.Of("error.bodyTooLarge")),
            StatusCodes.Status429TooManyRequests => (ErrorCodes.RateLimited, LocalText.Of("error.tooManyRequests")),
            StatusCodes.Status503ServiceUnavailable => (ErrorCodes.ServiceUnavailable, LocalText.Of("error.serviceUnavailable")),
            >= 500 => (ErrorCodes.InternalError, LocalText.Of("error.serverFailed")),
            _ => (ErrorCodes.ValidationFailed, LocalText.Of("error.invalidRequest")),
        };
        return Problems.WriteAsync(http, Problems.Create(code, message, http, status: status));
    }
}
