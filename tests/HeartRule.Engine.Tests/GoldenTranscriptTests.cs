using System.Text.Json.Nodes;

namespace HeartRule.Engine.Tests;

/// <summary>
/// Each sample script played on the offline provider, in its own language, must produce exactly the stored transcript.
/// To refresh after an intended change: set HEARTRULE_UPDATE_GOLDEN=1, run, and review the diff.
/// </summary>
public class GoldenTranscriptTests
{
    private static readonly ISkillResolver Skills =
        new InMemorySkillResolver([TestScripts.LoadValid(TestScripts.ReadSample("techniques/breathing_exercise.yaml"))]);

    public static TheoryData<string, string, string[], string?> Cases => new()
    {
        { "intake", "sessions/intake.yaml", ["Alex", "trouble sleeping"], null },
        { "intake_in_sentences", "sessions/intake.yaml", ["My name is Sam", "I have been sleeping badly since I changed jobs"], null },
        { "intake_zh", "sessions/intake_zh.yaml", ["叫我小林就好", "我最近总是睡不好，因为换了工作"], null },
        { "sleep_support_high_stress", "sessions/sleep_support.yaml", ["5", "7", "", "calmer, a bit lighter"], "Alex" },
        { "sleep_support_low_stress", "sessions/sleep_support.yaml", ["8", "3"], "Alex" },
        { "understanding_thoughts", "sessions/understanding_thoughts.yaml", ["", "I think so", "My boss frowned at me and I thought I was in trouble"], null },
        { "understanding_thoughts_zh", "sessions/understanding_thoughts_zh.yaml", ["", "我觉得有道理", "老板冲我皱了皱眉，我心想自己肯定要挨批了"], null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Sample_script_plays_the_golden_transcript(string name, string file, string[] inputs, string? clientName)
    {
        var script = TestScripts.LoadValid(TestScripts.ReadSample(file), Skills);
        var initial = clientName is null ? null : new Dictionary<string, JsonNode?> { ["client_name"] = clientName };
        var (text, last) = await Transcript.PlayAsync(script, inputs, initial, new EngineOptions { Skills = Skills });
        Assert.True(ExecutionStatus.Completed == last.Status, text);
        var path = Path.Combine(TestScripts.RepoRoot, "tests", "HeartRule.Engine.Tests", "Golden", name + ".txt");
        if (Environment.GetEnvironmentVariable("HEARTRULE_UPDATE_GOLDEN") == "1") File.WriteAllText(path, text);
        Assert.Equal(File.ReadAllText(path), text);
    }
}
