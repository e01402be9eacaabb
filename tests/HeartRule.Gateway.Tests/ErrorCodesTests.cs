using System.Reflection;
using HeartRule.Contracts;

namespace HeartRule.Gateway.Tests;

public class ErrorCodesTests
{
    [Fact]
    public void Every_code_constant_has_a_descriptor_with_advice()
    {
        var codes = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetValue(null)!).ToList();
        Assert.Equal(codes.Order(), ErrorCodes.All.Keys.Order());
        Assert.All(ErrorCodes.All.Values, d => Assert.False(string.IsNullOrWhiteSpace(d.Suggestion)));
    }

    [Fact]
    public void Unknown_codes_are_described_as_internal_errors() =>
        Assert.Equal(ErrorCodes.InternalError, ErrorCodes.Describe("NOPE").Code);
}
