namespace HeartRule.Deploy.Tests;

/// <summary>The manifests follow the AppHost's model: a change there shows here; secrets survive a render again.</summary>
public sealed class ModelTests
{
    [Fact]
    public async Task Replica_counts_of_the_model_become_the_deployments_and_their_autoscalers_floor()
    {
        using var rendering = await Rendering.RenderAsync("--Replicas:gateway", "3", "--Replicas:sessions", "2");
        var gateway = rendering.Manifests.Single(m => m.Kind == "Deployment" && m.Name == "gateway");
        Assert.Equal(3, gateway.Root.Int("spec", "replicas"));
        Assert.Equal(3, rendering.Manifests.Single(m => m.Kind == "HorizontalPodAutoscaler" && m.Name == "gateway").Root.Int("spec", "minReplicas"));
        Assert.Equal(2, rendering.Manifests.Single(m => m.Kind == "Deployment" && m.Name == "sessions").Root.Int("spec", "replicas"));
    }

    [Fact]
    public async Task A_render_into_the_same_folder_keeps_the_generated_secrets_and_a_given_parameter_wins()
    {
        using var rendering = await Rendering.RenderAsync();
        var before = Secrets(rendering);
        await rendering.RenderAgainAsync();
        Assert.Equal(before, Secrets(rendering));

        await rendering.RenderAgainAsync("--Parameters:auth-signing-key", new string('k', 48));
        var keys = rendering.Manifests.Where(m => m.Kind == "Secret" && m.Name.EndsWith("-secrets", StringComparison.Ordinal))
            .Select(m => m.Root.Strings("stringData")).Where(d => d.ContainsKey("Auth__SigningKey")).ToList();
        Assert.Equal(4, keys.Count);
        Assert.All(keys, k => Assert.Equal(new string('k', 48), k["Auth__SigningKey"]));
    }

    private static Dictionary<string, string> Secrets(Rendering rendering) =>
        rendering.Manifests.Where(m => m.Kind == "Secret")
            .SelectMany(m => m.Root.Strings("stringData").Select(d => ($"{m.Name}/{d.Key}", d.Value)))
            .ToDictionary(d => d.Item1, d => d.Value);
}
