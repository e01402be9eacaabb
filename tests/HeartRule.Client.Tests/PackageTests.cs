using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Xml.Linq;

namespace HeartRule.Client.Tests;

/// <summary><c>dotnet pack</c> of the client, from the build this test runs in, makes one package that installs on its own.</summary>
public sealed class PackageTests
{
    [Fact]
    public async Task The_package_holds_the_client_the_frames_and_the_readme_and_depends_only_on_Polly()
    {
        var output = Directory.CreateTempSubdirectory("heartrule-pack-").FullName;
        try
        {
            var configuration = typeof(PackageTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
            var project = Path.Combine(RepositoryRoot(), "src", "HeartRule.Client", "HeartRule.Client.csproj");
            var (exitCode, log) = await RunAsync("dotnet", "pack", project, "-c", configuration, "--no-build", "--nologo", "--disable-build-servers", "-o", output);
            Assert.True(exitCode == 0, log);

            using var package = ZipFile.OpenRead(Assert.Single(Directory.GetFiles(output, "HeartRule.Client.*.nupkg")));
            var files = package.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("README.md", files);
            foreach (var assembly in new[] { "HeartRule.Client", "HeartRule.Protocol", "HeartRule.Contracts", "HeartRule.Localization" })
                Assert.Contains($"lib/net10.0/{assembly}.dll", files);
            Assert.Contains("lib/net10.0/HeartRule.Client.xml", files);

            await using var nuspecStream = package.GetEntry("HeartRule.Client.nuspec")!.Open();
            var nuspec = await XDocument.LoadAsync(nuspecStream, LoadOptions.None, CancellationToken.None);
            string? Field(string name) => nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
            Assert.Equal("HeartRule.Client", Field("id"));
            Assert.Equal("README.md", Field("readme"));
            Assert.False(string.IsNullOrWhiteSpace(Field("license")));
            Assert.False(string.IsNullOrWhiteSpace(Field("description")));
            var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value).ToList();
            Assert.Equal(["Polly.Core"], dependencies);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "HeartRule.sln"))) return folder.FullName;
        }
        throw new InvalidOperationException("The test does not run inside the repository.");
    }

    private static async Task<(int ExitCode, string Log)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish in 2 minutes.");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
