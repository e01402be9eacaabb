using System.Text.RegularExpressions;
using HeartRule.Localization;

namespace HeartRule.Engine.Tests;

/// <summary>The catalogues: every language has every text, with the same arguments; the code asks only for texts that exist.</summary>
public partial class CatalogueTests
{
    [Fact]
    public void Every_language_has_every_key_with_the_same_arguments()
    {
        var english = Catalogue.Entries(Catalogue.DefaultLocale);
        Assert.Contains(Locale.Chinese, Catalogue.Locales);
        foreach (var locale in Catalogue.Locales)
        {
            var entries = Catalogue.Entries(locale);
            Assert.Empty(english.Keys.Except(entries.Keys).Select(k => $"{locale} lacks {k}"));
            Assert.Empty(entries.Keys.Except(english.Keys).Select(k => $"{locale} has {k}, which English lacks"));
            foreach (var (key, text) in english)
            {
                Assert.False(string.IsNullOrWhiteSpace(entries[key]), $"{locale} {key} is empty");
                Assert.True(Catalogue.Placeholders(text).SetEquals(Catalogue.Placeholders(entries[key])),
                    $"{locale} {key} takes {{{string.Join(", ", Catalogue.Placeholders(entries[key]))}}}, English {{{string.Join(", ", Catalogue.Placeholders(text))}}}");
            }
        }
    }

    [GeneratedRegex("\"((?:validation|engine|prompt|describe|item|what|condition|error|code|offline|page|language)\\.[A-Za-z0-9_.]+)\"")]
    private static partial Regex KeyLiteral();

    [Fact]
    public void Every_key_the_code_and_pages_ask_for_exists()
    {
        var root = TestScripts.RepoRoot;
        var files = new[] { "src", "services", "web" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.*", SearchOption.AllDirectories))
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".ts", StringComparison.Ordinal) || f.EndsWith(".html", StringComparison.Ordinal))
                        && !new[] { "/obj/", "/bin/", "/node_modules/", "/dist/" }.Any(d => f.Contains(d, StringComparison.Ordinal)));
        var used = files.SelectMany(f => KeyLiteral().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetRelativePath(root, f), Key: m.Groups[1].Value))).ToList();
        Assert.NotEmpty(used);
        var english = Catalogue.Entries(Catalogue.DefaultLocale);
        Assert.Empty(used.Where(u => !english.ContainsKey(u.Key)).Select(u => $"{u.File}: {u.Key}"));
    }

    [Theory]
    [InlineData("en", "en")]
    [InlineData("zh-cn", "zh-CN")]
    [InlineData(" ZH-hans-cn ", "zh-Hans-CN")]
    [InlineData("EN-gb", "en-GB")]
    [InlineData("es-419", "es-419")]
    [InlineData("sl-ROZAJ-biske", "sl-rozaj-biske")]
    [InlineData("en-US-x-Twain", "en-US-x-twain")]
    [InlineData("zh-yue-HK", "zh-yue-HK")]
    public void Well_formed_tags_are_written_in_canonical_case(string tag, string expected)
    {
        Assert.True(Locale.TryNormalize(tag, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("zh_CN")]
    [InlineData("english!")]
    [InlineData("e")]
    [InlineData("en--GB")]
    [InlineData("en-")]
    [InlineData("-en")]
    [InlineData("toolonglanguage")]
    [InlineData("中文")]
    public void Malformed_tags_are_refused(string? tag)
    {
        Assert.False(Locale.TryNormalize(tag, out _));
    }

    [Fact]
    public void A_slip_in_a_tag_gets_a_suggestion()
    {
        Assert.Equal("zh-CN", Locale.Suggest("zh_cn"));
        Assert.Null(Locale.Suggest("chinese please"));
    }

    [Fact]
    public void Fallbacks_go_from_the_requested_locale_to_the_script_language_to_English()
    {
        Assert.Equal(["zh-Hans-CN", "zh-Hans", "zh", "en"], Locale.Fallbacks("zh-Hans-CN", null));
        Assert.Equal(["fr-CA", "fr", "zh-CN", "zh", "en"], Locale.Fallbacks("fr-CA", "zh-CN"));
        Assert.Equal(["en-GB", "en"], Locale.Fallbacks("en-GB", "en"));
        Assert.Equal(["en"], Locale.Fallbacks(null, null));
    }

    [Fact]
    public void A_tag_finds_the_catalogue_of_its_language()
    {
        Assert.Equal("zh-CN", Catalogue.Match("zh"));
        Assert.Equal("zh-CN", Catalogue.Match("zh-Hant-TW"));
        Assert.Equal("en", Catalogue.Match("en-AU"));
        Assert.Null(Catalogue.Match("fr"));
        Assert.Null(Catalogue.Match("not a tag"));
        Assert.Equal("en", Catalogue.Resolve("fr"));
        Assert.Equal("zh-CN", Catalogue.Negotiate(["fr", null, "zh", "en"]));
        Assert.Equal("en", Catalogue.Negotiate([]));
    }

    [Fact]
    public void Texts_fill_in_their_named_arguments()
    {
        Assert.Equal("'max_rounds' must be between 1 and 10", Catalogue.Get("en", "validation.outOfRange", ("field", "max_rounds"), ("min", 1), ("max", 10)));
        Assert.Equal("“max_rounds”必须在 1 到 10 之间", Catalogue.Get("zh-CN", "validation.outOfRange", ("field", "max_rounds"), ("min", 1), ("max", 10)));
        // Doubled braces are literal; a name nobody gave stays visible.
        Assert.Equal("'{client_name}' does not match any declared or extracted variable; it stays as written unless supplied at run time",
            Catalogue.Get("en", "validation.unknownPlaceholder", ("name", "client_name")));
        Assert.Equal("'{field}' is required", Catalogue.Get("en", "validation.required"));
        Assert.Equal("no.such.key", Catalogue.Get("en", "no.such.key"));
        Assert.Equal("缺少必填字段“x”", LocalText.Of("validation.required", ("field", "x")).In("zh"));
    }
}
