using System.Security.Claims;

namespace HeartRule.Infrastructure;

/// <summary>
/// The roles a token may carry. A user is a <c>client</c> unless the token says more; <c>service</c> is never a
/// user's role: only the services' own tokens carry it (<see cref="ServiceTokenIssuer"/>).
/// </summary>
public static class Roles
{
    public const string ClaimType = "role";

    /// <summary>Talks to the AI on published scripts; sees only their own sessions.</summary>
    public const string Client = "client";
    /// <summary>Writes scripts: creates them, adds versions, publishes and shares the ones they own; may debug.</summary>
    public const string Author = "author";
    /// <summary>A human counsellor: a client's rights, plus the queue of sessions the safety net flagged (docs/safety.md).</summary>
    public const string Counsellor = "counsellor";
    /// <summary>Everything an author may do on every script; erases any user's data; reads the audit log.</summary>
    public const string Admin = "admin";
    /// <summary>A HeartRule service calling another one (internal routes).</summary>
    public const string Service = "service";

    public static readonly IReadOnlyList<string> UserRoles = [Client, Author, Counsellor, Admin];

    public static bool IsUserRole(string role) => UserRoles.Contains(role);

    /// <summary>Subjects of service tokens start with this, so that no user id can be mistaken for a service.</summary>
    public const string ServiceSubjectPrefix = "service:";

    /// <summary>
    /// The HeartRule roles of a validated token: the configured claim's values, mapped, limited to the user roles;
    /// <c>client</c> when none is left.
    /// </summary>
    public static IReadOnlySet<string> Of(ClaimsPrincipal user, AuthOptions options)
    {
        var roles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in user.FindAll(options.RoleClaim))
        {
            var role = options.RoleMap.TryGetValue(claim.Value, out var mapped) ? mapped : claim.Value;
            if (IsUserRole(role)) roles.Add(role);
        }
        if (roles.Count == 0) roles.Add(Client);
        return roles;
    }

    /// <summary>
    /// Whether the token is a HeartRule service's own: role <c>service</c>, subject <c>service:…</c>, and issued by
    /// HeartRule itself (an identity provider's tokens, whatever claims they carry, are users').
    /// </summary>
    public static bool IsService(ClaimsPrincipal user, AuthOptions options) =>
        user.HasClaim(ClaimType, Service)
        && user.FindFirstValue("iss") == options.Issuer
        && user.GetUserId()?.StartsWith(ServiceSubjectPrefix, StringComparison.Ordinal) == true;
}

/// <summary>Who is asking, as HeartRule's rules need it: the user id and roles.</summary>
public sealed record Caller(string UserId, IReadOnlySet<string> Roles)
{
    public bool IsAdmin => Roles.Contains(Infrastructure.Roles.Admin);
    /// <summary>Authors and admins write scripts and may ask for debug frames.</summary>
    public bool IsAuthorOrAdmin => IsAdmin || Roles.Contains(Infrastructure.Roles.Author);
    /// <summary>Counsellors and admins see the sessions the safety net flagged.</summary>
    public bool IsCounsellorOrAdmin => IsAdmin || Roles.Contains(Infrastructure.Roles.Counsellor);
}

/// <summary>Reads the caller of a request with the configured role claim and mapping.</summary>
public sealed class RoleReader(AuthOptions options)
{
    /// <summary>The caller, or null when the token names no user.</summary>
    public Caller? CallerOf(ClaimsPrincipal user) => user.GetUserId() is { } id ? new Caller(id, Roles.Of(user, options)) : null;
}
