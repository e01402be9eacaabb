namespace HeartRule.Engine.Tests;

internal static class TestScripts
{
    public static string RepoRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HeartRule.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root");
    }

    public static string ReadSample(string relative) => File.ReadAllText(Path.Combine(RepoRoot, "scripts", relative));

    public static Script LoadValid(string yaml, ISkillResolver? skills = null)
    {
        var result = ScriptLoader.Load(yaml, skills);
        Assert.True(result.IsValid, string.Join("\n", result.Errors.Select(e => $"{e.Path} ({e.Line}:{e.Column}) {e.Kind}: {e.Message}")));
        return result.Script!;
    }
}
