using System.Reflection;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Localization;

namespace HeartRule.Gateway.Tests;

public class ErrorCodesTests
{
    [Fact]
    public void Every_code_constant_has_a_descriptor_and_a_title_and_advice_in_every_language()
    {
        var codes = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetValue(null)!).ToList();
        Assert.Equal(codes.Order(), ErrorCodes.All.Keys.Order());
        foreach (var locale in Catalogue.Locales)
        {
            var entries = Catalogue.Entries(locale);
            Assert.All(codes, c => Assert.True(entries.ContainsKey($"code.{c}.title") && entries.ContainsKey($"code.{c}.suggestion"), $"{locale} {c}"));
        }
        Assert.Equal("找不到会话", Problems.Title(ErrorCodes.SessionNotFound, "zh-CN"));
    }

    [Fact]
    public void Unknown_codes_are_described_as_internal_errors() =>
        Assert.Equal(ErrorCodes.InternalError, ErrorCodes.Describe("NOPE").Code);
}
