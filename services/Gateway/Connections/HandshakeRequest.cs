using System.Net;
using System.Text;
using HeartRule.Infrastructure;
using HeartRule.Localization;
using HeartRule.Protocol;

namespace HeartRule.Gateway.Connections;

/// <summary>
/// The head of a <c>GET /ws</c> request, reduced to the headers the handshake looks at; every other header is
/// skipped without being copied.
/// </summary>
public sealed class HandshakeRequest
{
    /// <summary>The request target: <c>/ws</c>, maybe with a query.</summary>
    public required string Target { get; init; }
    public string? Host => _host;
    public string? Upgrade => _upgrade;
    public string? Connection => _connection;
    public string? Key => _key;
    public string? Version => _version;
    public string? Protocols => _protocols;
    public string? Origin => _origin;
    public string? Authorization => _authorization;
    public string? TraceParent => _traceParent;
    public string? AcceptLanguage => _acceptLanguage;

    private string? _host, _upgrade, _connection, _key, _version, _protocols, _origin, _authorization, _traceParent, _acceptLanguage;

    /// <summary>Parses a head found by <see cref="RequestHeadScanner"/>; null when it is not valid HTTP/1.1.</summary>
    public static HandshakeRequest? Parse(ReadOnlySpan<byte> head)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        if (lineEnd < 0) return null;
        var line = head[..lineEnd];
        var firstSpace = line.IndexOf((byte)' ');
        var lastSpace = line.LastIndexOf((byte)' ');
        if (firstSpace < 0 || lastSpace <= firstSpace + 1) return null;
        var target = line[(firstSpace + 1)..lastSpace];
        if (target.ContainsAnyExceptInRange((byte)'!', (byte)'~')) return null;

        var request = new HandshakeRequest { Target = Encoding.ASCII.GetString(target) };
        var rest = head[(lineEnd + 2)..];
        while (true)
        {
            lineEnd = rest.IndexOf("\r\n"u8);
            if (lineEnd < 0) return null;
            if (lineEnd == 0) break;
            if (!request.TryAddHeader(rest[..lineEnd])) return null;
            rest = rest[(lineEnd + 2)..];
        }
        return request.Host is null ? null : request; // HTTP/1.1 requires Host
    }

    /// <summary>The same, from a request HTTP has parsed (a handshake that was not the first request on its connection).</summary>
    public static HandshakeRequest From(HttpRequest http)
    {
        static string? Header(HttpRequest http, string name) => http.Headers.TryGetValue(name, out var values) ? values.ToString() : null;
        return new HandshakeRequest
        {
            Target = $"{http.Path}{http.QueryString}",
            _host = http.Host.HasValue ? http.Host.Value : null,
            _upgrade = Header(http, "Upgrade"),
            _connection = Header(http, "Connection"),
            _key = Header(http, "Sec-WebSocket-Key"),
            _version = Header(http, "Sec-WebSocket-Version"),
            _protocols = Header(http, "Sec-WebSocket-Protocol"),
            _origin = Header(http, "Origin"),
            _authorization = Header(http, "Authorization"),
            _traceParent = Header(http, "traceparent"),
            _acceptLanguage = Header(http, "Accept-Language"),
        };
    }

    private bool TryAddHeader(ReadOnlySpan<byte> line)
    {
        var colon = line.IndexOf((byte)':');
        if (colon <= 0) return false;
        var name = line[..colon];
        // No whitespace in or after a name (RFC 9112 §5.1), which also refuses obsolete line folding.
        if (name.ContainsAny((byte)' ', (byte)'\t')) return false;
        var value = line[(colon + 1)..].Trim(" \t"u8);
        foreach (var b in value)
        {
            if (b is < 0x20 and not (byte)'\t' or 0x7F) return false;
        }

        if (Ascii.EqualsIgnoreCase(name, "Host"u8)) return SetOnce(ref _host, value);
        if (Ascii.EqualsIgnoreCase(name, "Sec-WebSocket-Key"u8)) return SetOnce(ref _key, value);
        if (Ascii.EqualsIgnoreCase(name, "Sec-WebSocket-Version"u8)) return SetOnce(ref _version, value);
        if (Ascii.EqualsIgnoreCase(name, "Origin"u8)) return SetOnce(ref _origin, value);
        if (Ascii.EqualsIgnoreCase(name, "Authorization"u8)) return SetOnce(ref _authorization, value);
        if (Ascii.EqualsIgnoreCase(name, "traceparent"u8)) return SetOnce(ref _traceParent, value);
        if (Ascii.EqualsIgnoreCase(name, "Upgrade"u8)) Append(ref _upgrade, value);
        else if (Ascii.EqualsIgnoreCase(name, "Connection"u8)) Append(ref _connection, value);
        else if (Ascii.EqualsIgnoreCase(name, "Sec-WebSocket-Protocol"u8)) Append(ref _protocols, value);
        else if (Ascii.EqualsIgnoreCase(name, "Accept-Language"u8)) Append(ref _acceptLanguage, value);
        return true;
    }

    // A header that may appear once, appearing twice, makes the request ambiguous.
    private static bool SetOnce(ref string? field, ReadOnlySpan<byte> value)
    {
        if (field is not null) return false;
        field = Encoding.Latin1.GetString(value);
        return true;
    }

    // Repeated list headers are one comma-separated list (RFC 9110 §5.3).
    private static void Append(ref string? field, ReadOnlySpan<byte> value) =>
        field = field is null ? Encoding.Latin1.GetString(value) : $"{field}, {Encoding.Latin1.GetString(value)}";

    /// <summary>The checks that need nothing but the request, in the order their statuses are documented.</summary>
    public HandshakeRejection? Check()
    {
        if (!ListContains(Upgrade, "websocket", StringComparison.OrdinalIgnoreCase)
            || !ListContains(Connection, "upgrade", StringComparison.OrdinalIgnoreCase))
            return HandshakeRejection.NotAnUpgrade;
        if (Version != "13") return HandshakeRejection.UnsupportedVersion;
        if (!WebSocketAccept.IsValidKey(Key)) return HandshakeRejection.InvalidKey;
        // Subprotocol names are compared exactly (RFC 6455 §4.1).
        if (!ListContains(Protocols, ProtocolJson.SubProtocol, StringComparison.Ordinal)) return HandshakeRejection.NoSubprotocol;
        if (QueryParameter("locale") is { } locale && !HeartRule.Localization.Locale.TryNormalize(locale, out _)) return HandshakeRejection.InvalidLocale(locale);
        return null;
    }

    /// <summary>
    /// The language of the socket's error messages: the <c>locale</c> query parameter, else the best of
    /// <c>Accept-Language</c> (which browsers send with a WebSocket too), as a catalogue locale.
    /// </summary>
    public string Locale() =>
        QueryParameter("locale") is { } locale && HeartRule.Localization.Locale.TryNormalize(locale, out var tag)
            ? Catalogue.Resolve(tag)
            : RequestLocale.FromAcceptLanguage(AcceptLanguage);

    /// <summary>
    /// The bearer token: from the Authorization header, else from the access_token query parameter (browsers
    /// cannot set headers on a WebSocket).
    /// </summary>
    public string? AccessToken()
    {
        const string bearer = "Bearer ";
        if (Authorization is { } authorization && authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization[bearer.Length..].Trim();
            if (token.Length > 0) return token;
        }
        return QueryParameter("access_token");
    }

    /// <summary>A query parameter's first non-empty value, decoded.</summary>
    private string? QueryParameter(string name)
    {
        var query = Target.IndexOf('?');
        if (query < 0) return null;
        foreach (var pair in Target.AsSpan(query + 1).Split('&'))
        {
            var parameter = Target.AsSpan(query + 1)[pair];
            var equals = parameter.IndexOf('=');
            if (equals < 0 || WebUtility.UrlDecode(parameter[..equals].ToString()) != name) continue;
            var value = WebUtility.UrlDecode(parameter[(equals + 1)..].ToString());
            if (value.Length > 0) return value;
        }
        return null;
    }

    private static bool ListContains(string? list, string item, StringComparison comparison)
    {
        if (list is null) return false;
        foreach (var range in list.AsSpan().Split(','))
        {
            if (list.AsSpan()[range].Trim().Equals(item, comparison)) return true;
        }
        return false;
    }
}
