using HeartRule.Hosting.ApplicationModel;

namespace HeartRule.Hosting.Orchestration.Drivers;

/// <summary>Readiness of a service: its health path answers 2xx.</summary>
internal static class HttpProbe
{
    public static async Task<bool> IsOkAsync(RuntimeContext context, AllocatedEndpoint endpoint, string path, CancellationToken cancellationToken)
    {
        using var response = await context.HttpClient.GetAsync(new Uri(new Uri(endpoint.Url), path), cancellationToken);
        return response.IsSuccessStatusCode;
    }
}
