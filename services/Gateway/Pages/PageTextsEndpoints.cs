using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Localization;

namespace HeartRule.Gateway.Pages;

/// <summary>
/// The pages' words, from the same catalogues as everything else: <c>GET /i18n</c> in the language the browser asks
/// for (Accept-Language), <c>GET /i18n/{locale}</c> in one a person picked on the page. Each answer lists the
/// languages there are, named in their own words, for the page's language picker.
/// </summary>
public static class PageTextsEndpoints
{
    private const string Prefix = "page.";

    public static IEndpointRouteBuilder MapPageTexts(this IEndpointRouteBuilder app)
    {
        app.MapGet("/i18n", (HttpContext http) =>
        {
            http.Response.Headers.Vary = "Accept-Language";
            return Texts(http.Locale());
        });
        app.MapGet("/i18n/{locale}", (HttpContext http, string locale) => Locale.TryNormalize(locale, out var tag)
            ? Texts(Catalogue.Resolve(tag))
            : Problems.Result(http, ErrorCodes.ValidationFailed, LocalText.Of("error.notALocale", ("field", "locale"), ("value", locale))));
        return app;
    }

    private static IResult Texts(string locale) => Results.Ok(new PageTexts(
        locale,
        [.. Catalogue.Locales.Select(l => new PageLanguage(l, Catalogue.Get(l, "language.name")))],
        Catalogue.Entries(locale).Where(e => e.Key.StartsWith(Prefix, StringComparison.Ordinal)).ToDictionary(e => e.Key, e => e.Value)));

    /// <param name="Locale">The language of <paramref name="Texts"/>: the closest there is to the one asked for.</param>
    public sealed record PageTexts(string Locale, IReadOnlyList<PageLanguage> Languages, IReadOnlyDictionary<string, string> Texts);

    public sealed record PageLanguage(string Locale, string Name);
}
