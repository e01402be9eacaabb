using Microsoft.AspNetCore.StaticFiles;

namespace HeartRule.Gateway.Tests;

/// <summary>The files the gateway serves from web/ (copied beside the tests as they are beside the service).</summary>
public class PageAssetsTests
{
    private static string WebRoot => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    [Fact]
    public void The_chat_page_has_an_icon_and_favicon_ico_is_one()
    {
        Assert.Contains("<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">", File.ReadAllText(Path.Combine(WebRoot, "index.html")));
        Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(WebRoot, "favicon.svg")));
        // Browsers and tools ask for /favicon.ico whatever the page says: an ICO header (reserved 0, type 1, one image).
        Assert.Equal(new byte[] { 0, 0, 1, 0, 1, 0 }, File.ReadAllBytes(Path.Combine(WebRoot, "favicon.ico"))[..6]);
        var types = new FileExtensionContentTypeProvider();
        Assert.True(types.TryGetContentType("favicon.ico", out _));
        Assert.True(types.TryGetContentType("favicon.svg", out _));
    }
}
