using Microsoft.Playwright;

namespace HeartRule.IntegrationTests;

/// <summary>One Chromium for all the tests of a class (a class fixture): each test opens a context of its own, as a new visitor would.</summary>
public sealed class SharedBrowser : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await IntegrationTests.Browser.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
