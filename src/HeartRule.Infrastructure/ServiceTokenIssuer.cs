using System.Net.Http.Headers;
using Microsoft.Extensions.Hosting;

namespace HeartRule.Infrastructure;

/// <summary>
/// The token a service presents to another one: subject <c>service:{name}</c>, role <c>service</c>, signed with
/// the same key configuration as everything else (the development key in Development), short-lived and renewed
/// well before it expires. Internal routes accept nothing else.
/// </summary>
public sealed class ServiceTokenIssuer(AuthOptions options, IHostEnvironment environment, TimeProvider time)
{
    private readonly Lock _lock = new();
    private (string Token, DateTimeOffset RenewAt)? _current;

    public string ServiceName { get; } = environment.ApplicationName.Replace("HeartRule.", "", StringComparison.Ordinal).ToLowerInvariant();

    public string Current()
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_current is { } current && now < current.RenewAt) return current.Token;
            // Back-dated a little: another node's clock may be behind ours.
            var notBefore = now.UtcDateTime.AddSeconds(-30);
            var token = DevTokenIssuer.Sign(options, Roles.ServiceSubjectPrefix + ServiceName, [Roles.Service], options.ServiceTokenLifetime, notBefore);
            _current = (token, now + options.ServiceTokenLifetime / 2);
            return token;
        }
    }
}

/// <summary>Puts the calling service's own token on every request of an HttpClient to another service.</summary>
public sealed class ServiceTokenHandler(ServiceTokenIssuer issuer) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", issuer.Current());
        return base.SendAsync(request, cancellationToken);
    }
}
