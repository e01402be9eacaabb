namespace HeartRule.AppHost.Infrastructure;

internal static class ConnectionStrings
{
    /// <summary>
    /// The resource's connection string once Aspire has resolved it, for the work the AppHost itself does with it
    /// (health checks, creating databases); <paramref name="suffix"/> is appended as is.
    /// </summary>
    public static Func<string> TrackConnectionString(this IDistributedApplicationBuilder builder, IResourceWithConnectionString resource, string suffix = "")
    {
        string? value = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, ct) =>
            value = await resource.ConnectionStringExpression.GetValueAsync(ct) + suffix);
        return () => value ?? throw new InvalidOperationException($"The connection string of {resource.Name} is not available yet.");
    }
}
