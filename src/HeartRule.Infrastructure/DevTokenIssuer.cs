using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace HeartRule.Infrastructure;

/// <summary>Issues tokens signed with the configured symmetric key, for the Development sign-in endpoint and tests.</summary>
public sealed class DevTokenIssuer(AuthOptions options)
{
    /// <param name="roles">The <c>role</c> claims to carry (none: the user is a client).</param>
    public string Issue(string userId, TimeSpan? lifetime = null, DateTime? notBefore = null, IEnumerable<string>? roles = null) =>
        Sign(options, userId, roles ?? [], lifetime ?? options.DevTokenLifetime, notBefore ?? DateTime.UtcNow);

    internal static string Sign(AuthOptions options, string subject, IEnumerable<string> roles, TimeSpan lifetime, DateTime notBefore)
    {
        var key = options.SigningKey ?? throw new InvalidOperationException("Signing tokens needs Auth:SigningKey.");
        var credentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256);
        var token = new JwtSecurityToken(
            issuer: options.Issuer,
            audience: options.Audience,
            claims: [new Claim(JwtRegisteredClaimNames.Sub, subject), .. roles.Distinct().Select(r => new Claim(Roles.ClaimType, r))],
            notBefore: notBefore,
            expires: notBefore + lifetime,
            signingCredentials: credentials);
        return new JwtSecurityTokenHandler().WriteToken(token);
    }
}
