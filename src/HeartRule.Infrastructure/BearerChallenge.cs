using HeartRule.Localization;
using Microsoft.IdentityModel.Tokens;

namespace HeartRule.Infrastructure;

/// <summary>What a 401 says about a bearer token: the same for the HTTP API and the WebSocket handshake.</summary>
public static class BearerChallenge
{
    /// <param name="failure">Why the token was refused, or null when the request carried none.</param>
    /// <returns>The WWW-Authenticate value (RFC 6750) and the problem's message.</returns>
    public static (string Challenge, LocalText Message) For(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException => ("Bearer error=\"invalid_token\"", LocalText.Of("error.tokenExpired")),
        not null => ("Bearer error=\"invalid_token\"", LocalText.Of("error.tokenInvalid")),
        null => ("Bearer", LocalText.Of("error.tokenMissing")),
    };
}
