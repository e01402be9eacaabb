using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using HeartRule.Protocol;

namespace HeartRule.Gateway.Tests;

/// <summary>
/// The TypeScript client's frame types (clients/typescript/src/frames.ts) are written by hand, for people to read;
/// this keeps them the same as the C# records they mirror: every frame, its name, each field, whether it is
/// optional and what kind of value it holds. A frame or field added on one side only fails here.
/// </summary>
public partial class TypeScriptFramesTests
{
    private static readonly string Source = File.ReadAllText(Path.Combine(RepoRoot(), "clients", "typescript", "src", "frames.ts"));

    private sealed record TsField(string Name, bool Optional, string Kind);

    private sealed record TsFrame(string Interface, string Type, IReadOnlyList<TsField> Fields);

    [Fact]
    public void Every_frame_type_is_declared_on_both_sides_under_the_same_name()
    {
        var frames = TsFrames();
        Assert.Equal(FrameTypes.ByName.Keys.Order(StringComparer.Ordinal), frames.Select(f => f.Type).Order(StringComparer.Ordinal));
        Assert.All(frames, f => Assert.Equal(FrameTypes.ByName[f.Type].Name, f.Interface));
    }

    [Fact]
    public void Every_field_has_the_same_name_optionality_and_kind_as_in_the_CSharp_record()
    {
        foreach (var frame in TsFrames())
        {
            var expected = CSharpFields(FrameTypes.ByName[frame.Type]);
            var actual = frame.Fields.ToDictionary(f => f.Name);
            Assert.True(expected.Keys.Order().SequenceEqual(actual.Keys.Order()),
                $"{frame.Type}: C# has [{string.Join(", ", expected.Keys.Order())}], TypeScript [{string.Join(", ", actual.Keys.Order())}]");
            foreach (var (name, (optional, kind)) in expected)
            {
                Assert.True(optional == actual[name].Optional, $"{frame.Type}.{name}: optional in C# {optional}, in TypeScript {actual[name].Optional}");
                // JSON of any shape in C# (JsonElement, a dictionary) is typed more closely in TypeScript.
                if (kind != "json") Assert.True(kind == actual[name].Kind, $"{frame.Type}.{name}: {kind} in C#, {actual[name].Kind} in TypeScript");
            }
        }
    }

    [Fact]
    public void The_client_and_server_unions_hold_every_frame_once()
    {
        var union = (string name) => UnionMember().Matches(Regex.Match(Source, $@"export type {name} =(?<members>[^;]*);").Groups["members"].Value)
            .Select(m => m.Groups["name"].Value).ToList();
        var members = union("ClientFrame").Concat(union("ServerFrame")).ToList();
        Assert.Equal(TsFrames().Select(f => f.Interface).Order(StringComparer.Ordinal), members.Order(StringComparer.Ordinal));
    }

    private static List<TsFrame> TsFrames()
    {
        var frames = new List<TsFrame>();
        foreach (Match match in Interface().Matches(Source))
        {
            var fields = Field().Matches(match.Groups["body"].Value)
                .Select(f => (Name: f.Groups["name"].Value, Optional: f.Groups["optional"].Success, Type: f.Groups["type"].Value)).ToList();
            var literal = fields.Where(f => f.Name == "type").Select(f => Regex.Match(f.Type, "^\"(?<value>[^\"]+)\"$")).FirstOrDefault();
            if (literal is not { Success: true }) continue; // a part of a frame (TurnPosition…), not a frame
            frames.Add(new TsFrame(match.Groups["name"].Value, literal.Groups["value"].Value,
                fields.Where(f => f.Name != "type").Select(f => new TsField(f.Name, f.Optional, TsKind(f.Type))).ToList()));
        }
        return frames;
    }

    /// <summary>string, number, boolean, X[] of those, or object.</summary>
    private static string TsKind(string type)
    {
        type = type.Trim();
        if (type.EndsWith("[]", StringComparison.Ordinal)) return TsKind(type[..^2]) + "[]";
        if (type is "number" or "boolean" or "string") return type;
        if (Regex.IsMatch(type, "^\"[^\"]*\"$")) return "string";
        var alias = Regex.Match(Source, $@"export type {Regex.Escape(type)} = (?<of>[^;]+);");
        if (alias.Success && alias.Groups["of"].Value.Split('|').All(p => p.Trim() == "string" || Regex.IsMatch(p.Trim(), "^\"[^\"]*\"$"))) return "string";
        return "object";
    }

    private static Dictionary<string, (bool Optional, string Kind)> CSharpFields(Type record) =>
        record.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .ToDictionary(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name), p => (p.GetCustomAttribute<RequiredMemberAttribute>() is null, CSharpKind(p.PropertyType)));

    private static string CSharpKind(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type == typeof(Guid) || type == typeof(DateTimeOffset)) return "string";
        if (type == typeof(int) || type == typeof(long) || type == typeof(double)) return "number";
        if (type == typeof(bool)) return "boolean";
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)) return CSharpKind(type.GetGenericArguments()[0]) + "[]";
        return "json";
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HeartRule.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("HeartRule.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"export interface (?<name>\w+) \{\n(?<body>.*?)\n\}", RegexOptions.Singleline)]
    private static partial Regex Interface();

    [GeneratedRegex(@"^  (?<name>\w+)(?<optional>\?)?: (?<type>.+);$", RegexOptions.Multiline)]
    private static partial Regex Field();

    [GeneratedRegex(@"\|\s*(?<name>\w+)")]
    private static partial Regex UnionMember();
}
