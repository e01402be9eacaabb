using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace HeartRule.Infrastructure;

/// <summary>Issues tokens signed with the configured symmetric key, for the Development sign-in endpoint and tests.</summary>
public sealed class DevTokenIssuer(AuthOptions options)
{
    public string Issue(string userId, TimeSpan? lifetime = null, DateTime? notBefore = null)
    {
        var key = options.SigningKey ?? throw new InvalidOperationException("Development tokens need Auth:SigningKey.");
        var credentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256);
        var now = notBefore ?? DateTime.UtcNow;
        var token = new JwtSecurityToken(
            issuer: options.Issuer,
            audience: options.Audience,
            claims: [new Claim(JwtRegisteredClaimNames.Sub, userId)],
            notBefore: now,
            expires: now + (lifetime ?? options.DevTokenLifetime),
            signingCredentials: credentials);
        return new JwtSecurityTokenHandler().WriteToken(token);
    }
}
