using System.Globalization;
using HeartRule.Localization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.Net.Http.Headers;

namespace HeartRule.Infrastructure;

/// <summary>
/// The language of a request's words, from its <c>Accept-Language</c> (ASP.NET Core's request localization, over the
/// catalogue's locales): a person reads errors in their browser's language; codes stay the same.
/// </summary>
public static class RequestLocale
{
    /// <summary>The request's locale as the catalogue knows it (English when nothing it asks for is there).</summary>
    public static string Locale(this HttpContext http) =>
        Catalogue.Resolve(http.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture.Name);

    /// <summary>
    /// Only the header decides (no query string or cookie: an API client says what it reads the way HTTP says it). A
    /// language alone (<c>zh</c>) is taken too. Formatting stays the invariant culture's: only the words change.
    /// </summary>
    public static void Configure(RequestLocalizationOptions options)
    {
        var languages = Catalogue.Locales.SelectMany(l => new[] { l, l.Split('-')[0] }).Distinct().Select(CultureInfo.GetCultureInfo).ToList();
        options.DefaultRequestCulture = new RequestCulture(Catalogue.DefaultLocale);
        options.SupportedCultures = [CultureInfo.GetCultureInfo(Catalogue.DefaultLocale)];
        options.SupportedUICultures = languages;
        options.RequestCultureProviders = [new AcceptLanguageHeaderRequestCultureProvider { MaximumAcceptLanguageHeaderValuesToTry = 5 }];
        options.ApplyCurrentCultureToResponseHeaders = true;
    }

    /// <summary>The best of an <c>Accept-Language</c> header's languages that a catalogue has (for requests HTTP does not see, like a WebSocket handshake).</summary>
    public static string FromAcceptLanguage(string? header) =>
        StringWithQualityHeaderValue.TryParseList(header?.Split(','), out var values)
            ? Catalogue.Negotiate(values.OrderByDescending(v => v.Quality ?? 1).Select(v => v.Value.Value))
            : Catalogue.DefaultLocale;
}
