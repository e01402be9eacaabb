using System.Net.Http.Json;
using HeartRule.Hosting.ApplicationModel;
using HeartRule.Hosting.Orchestration;

namespace HeartRule.Hosting.Tests;

/// <summary>An AppHost's own Program under the testing entry: its model, the injected configuration, restarts.</summary>
[Collection(TestAppHostCollection.Name)]
public class AppHostTests(TestAppHostFixture fixture)
{
    private DistributedApplication App => fixture.App;

    [Fact]
    public void The_program_runs_with_its_own_model_on_free_ports()
    {
        Assert.Equal(new[] { "cache", "api", "worker" }, App.Model.Resources.Select(r => r.Name));
        Assert.Equal(2, ((ProjectResource)App.Model.Get("api")).Replicas);
        Assert.NotEqual(RedisResource.DefaultPort, App.GetEndpoint("cache").Port);
        Assert.NotEqual(App.GetEndpoint("api", replica: 0), App.GetEndpoint("api", replica: 1));
        Assert.StartsWith(Path.GetTempPath(), App.DataDirectory);
        Assert.True(File.Exists(new Projects.HeartRule_Hosting_TestApp().AssemblyPath), "Projects.* points at the built service");
        Assert.EndsWith("HeartRule.Hosting.TestApp.csproj", new Projects.HeartRule_Hosting_TestApp().ProjectPath);
    }

    [Fact]
    public async Task Services_receive_the_connection_strings_and_urls_of_what_they_reference()
    {
        using var worker = App.CreateHttpClient("worker");
        var workerEnv = await worker.GetFromJsonAsync<Dictionary<string, string>>("/env");
        Assert.Equal(App.GetEndpoint("api", replica: 0).ToString().TrimEnd('/'), workerEnv!["services__api__http__0"]);
        Assert.Equal(App.GetEndpoint("api", replica: 1).ToString().TrimEnd('/'), workerEnv["services__api__http__1"]);
        Assert.DoesNotContain("ConnectionStrings__cache", workerEnv.Keys);
        Assert.Equal("worker", workerEnv["OTEL_SERVICE_NAME"]);

        using var api = App.CreateHttpClient("api", replica: 1);
        var apiEnv = await api.GetFromJsonAsync<Dictionary<string, string>>("/env");
        Assert.Equal(App.GetConnectionString("cache"), apiEnv!["ConnectionStrings__cache"]);
        Assert.Equal("1", apiEnv[ResourceEnvironment.ReplicaIndexVariable]);
        Assert.Equal("hello", apiEnv["GREETING"]);
        Assert.Equal("Development", apiEnv["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal(App.GetEndpoint("api", replica: 1).ToString().TrimEnd('/'), apiEnv["ASPNETCORE_URLS"]);
    }

    [Fact]
    public async Task A_crashed_project_is_restarted_and_its_restarts_counted()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var before = App.GetResource("api").Replicas[1];
        Assert.True(before.IsReady);
        var oldPid = before.Pid!.Value;

        using var api = App.CreateHttpClient("api", replica: 1);
        (await api.PostAsync("/crash", null, timeout.Token)).EnsureSuccessStatusCode();

        await App.WaitForResourceAsync("api", s => s.RestartCount > before.RestartCount && s.IsReady, replica: 1, timeout.Token);
        var after = App.GetResource("api").Replicas[1];
        Assert.NotEqual(oldPid, after.Pid);
        Assert.Equal(after.Pid, await api.GetFromJsonAsync<int>("/pid", timeout.Token));
        Assert.Contains(App.GetLogs("api", 1), l => l.IsSystem && l.Text.Contains("exited with code 3", StringComparison.Ordinal));
        // The other replica did not notice.
        Assert.Equal(0, App.GetResource("api").Replicas[0].RestartCount);
    }

    [Fact]
    public async Task A_killed_replica_without_restart_stays_down_until_started()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var before = App.GetResource("worker").Replicas[0];
        var pid = ProcessTree.Identify(before.Pid!.Value)!.Value;

        App.KillResource("worker", restart: false);

        await App.WaitForResourceAsync("worker", s => s.State == ResourceState.Exited, cancellationToken: timeout.Token);
        Assert.False(pid.IsAlive);
        using var worker = App.CreateHttpClient("worker");
        await Assert.ThrowsAsync<HttpRequestException>(() => worker.GetAsync("/health", timeout.Token));
        Assert.Equal(before.RestartCount, App.GetResource("worker").RestartCount);

        await App.StartResourceAsync("worker", cancellationToken: timeout.Token);

        Assert.True(App.GetResource("worker").IsReady);
        Assert.Equal("Healthy", await worker.GetStringAsync("/health", timeout.Token));
    }

    [Fact]
    public async Task A_stopped_replica_is_stopped_gracefully_and_can_start_again()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var pid = App.GetResource("api").Replicas[0].Pid!.Value;

        await App.StopResourceAsync("api", replica: 0);

        var stopped = App.GetResource("api").Replicas[0];
        Assert.Equal(ResourceState.Stopped, stopped.State);
        Assert.Null(stopped.Pid);
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z", StringComparison.Ordinal));
        Assert.Contains(App.GetLogs("api", 0), l => l.IsSystem && l.Text.Contains("SIGTERM", StringComparison.Ordinal));
        Assert.Contains(App.GetLogs("api", 0), l => l.Text.Contains("Application is shutting down", StringComparison.Ordinal));

        await App.StartResourceAsync("api", replica: 0, timeout.Token);
        Assert.True(App.GetResource("api").Replicas[0].IsReady);
    }
}
