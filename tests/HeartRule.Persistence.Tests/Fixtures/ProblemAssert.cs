using System.Net.Http.Json;
using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Localization;

namespace HeartRule.Persistence.Tests.Fixtures;

public static class ProblemAssert
{
    /// <summary>
    /// Asserts an RFC 7807 HeartRule problem: status, media type, type URN, code, and the type and recovery that
    /// the code's descriptor in ErrorCodes gives, its words in the language the response says (Content-Language).
    /// Returns the document for further checks.
    /// </summary>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, string code, int? status = null)
    {
        var descriptor = ErrorCodes.Describe(code);
        Assert.Equal(code, descriptor.Code);
        var expectedStatus = status ?? descriptor.HttpStatus;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expectedStatus == (int)response.StatusCode, $"Expected {expectedStatus}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal($"urn:heartrule:error:{code}", problem.GetProperty("type").GetString());
        Assert.Equal(expectedStatus, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.Equal(descriptor.Type.ToString().ToLowerInvariant(), problem.GetProperty("errorType").GetString());
        var recovery = problem.GetProperty("recovery");
        Assert.Equal(descriptor.CanRetry, recovery.GetProperty("canRetry").GetBoolean());
        var locale = Catalogue.Resolve(response.Content.Headers.ContentLanguage.FirstOrDefault());
        Assert.Equal(Problems.Suggestion(code, locale), recovery.GetProperty("suggestion").GetString());
        Assert.Equal(Problems.Title(code, locale), problem.GetProperty("title").GetString());
        var context = problem.GetProperty("context");
        Assert.False(string.IsNullOrWhiteSpace(context.GetProperty("traceId").GetString()));
        Assert.True(DateTimeOffset.UtcNow - context.GetProperty("time").GetDateTimeOffset() < TimeSpan.FromMinutes(1));
        return problem;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, int status = 200)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"Expected {status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public static Task<HttpResponseMessage> PostYamlAsync(this HttpClient client, string path, string? yaml, string? notes = null) =>
        client.PostAsJsonAsync(path, new { yaml, notes });
}
