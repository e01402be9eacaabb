using Microsoft.AspNetCore.StaticFiles;

namespace HeartRule.Gateway.Tests;

/// <summary>The files the gateway serves from web/ (copied beside the tests as they are beside the service).</summary>
public class PageAssetsTests
{
    private static string WebRoot => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    [Fact]
    public void The_icons_are_served_and_favicon_ico_is_one()
    {
        Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(WebRoot, "favicon.svg")));
        // Browsers and tools ask for /favicon.ico whatever the page says: an ICO header (reserved 0, type 1, one image).
        Assert.Equal(new byte[] { 0, 0, 1, 0, 1, 0 }, File.ReadAllBytes(Path.Combine(WebRoot, "favicon.ico"))[..6]);
        var types = new FileExtensionContentTypeProvider();
        Assert.True(types.TryGetContentType("favicon.ico", out _));
        Assert.True(types.TryGetContentType("favicon.svg", out _));
    }

    [Theory]
    [InlineData("index.html", "/src/chat/main.ts")]
    [InlineData("debugger.html", "/src/debugger/main.ts")]
    [InlineData("studio.html", "/src/studio/main.ts")]
    public void Every_page_is_built_with_its_icon_and_its_own_script(string page, string source)
    {
        var html = File.ReadAllText(Path.Combine(WebRoot, page));
        Assert.Contains("<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">", html);
        // Built: the page loads its bundle from the gateway (assets/), not its TypeScript source.
        Assert.DoesNotContain(source, html);
        Assert.Matches("<script type=\"module\" crossorigin src=\"/assets/[a-z]+-[^\"]+\\.js\"></script>", html);
    }
}
