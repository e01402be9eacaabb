using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Localization;

namespace HeartRule.Persistence.Api;

public static class CallerFilter
{
    /// <summary>Every route of the group refuses callers whose roles do not pass <paramref name="allowed"/>: 403 FORBIDDEN with the catalogue's <paramref name="refusal"/>.</summary>
    public static RouteGroupBuilder RequireCaller(this RouteGroupBuilder group, Func<Caller, bool> allowed, string refusal) =>
        group.AddEndpointFilter(async (context, next) => allowed(context.HttpContext.Caller())
            ? await next(context)
            : Problems.Result(context.HttpContext, ErrorCodes.Forbidden, LocalText.Of(refusal)));
}
