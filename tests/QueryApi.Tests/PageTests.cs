using Microsoft.Playwright;

namespace ImageSearch.QueryApi.Tests;

/// <summary>
/// The web page in a real browser: Debian's Chromium driven by Playwright's own driver (shipped in the NuGet package; no
/// browser is downloaded), against the API on a real Kestrel port. Skips where Chromium is not installed; fails where it
/// is installed and cannot start (the suite's skip policy, <see cref="Prerequisite"/>).
/// </summary>
public sealed class PageTests(SeededApi api)
{
    private const string Chromium = "/usr/bin/chromium";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UploadShowsResultThumbnailsAndCounts()
    {
        api.RequireSeeded();
        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 900 } });
        var failed = new List<string>();
        page.RequestFailed += (_, request) => failed.Add(request.Url);

        await page.GotoAsync(api.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d[\d,]*$"));
        var count = long.Parse((await page.Locator("#count").TextContentAsync())!.Replace(",", ""));
        Assert.True(count >= 100, $"the page shows {count} images");
        await Assertions.Expect(page.Locator("#dead-count")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d"));

        var photo = SharedData.ImageNet100Files[21];
        await page.Locator("#file").SetInputFilesAsync(photo);
        var cards = page.Locator("#results li");
        await Assertions.Expect(cards).ToHaveCountAsync(10);
        // Every thumbnail must have loaded and decoded (naturalWidth > 0), not just be in the DOM.
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#results img')].every(i => i.complete && i.naturalWidth > 0)");
        var widths = await page.EvalOnSelectorAllAsync<int[]>("#results img", "imgs => imgs.map(i => i.naturalWidth)");
        Assert.All(widths, w => Assert.InRange(w, 1, 256));
        Assert.Equal(Path.GetFileName(Path.GetDirectoryName(photo)), await cards.First.Locator(".label").TextContentAsync());
        Assert.Equal("0.000", await cards.First.Locator(".distance").TextContentAsync());
        Assert.Empty(failed);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("search-results.png"), FullPage = true });

        // A bad upload is explained on the page, and the grid is cleared.
        var text = Path.Combine(api.Images, "notes.jpg");
        await File.WriteAllTextAsync(text, "shopping list: milk, eggs", Ct);
        await page.Locator("#file").SetInputFilesAsync(text);
        await Assertions.Expect(page.Locator("#error")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("Not a supported image");
        await Assertions.Expect(cards).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("bad-upload.png"), FullPage = true });
    }

    private static string Screenshot(string name)
    {
        var folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        TestContext.Current.SendDiagnosticMessage($"screenshot: {Path.Combine(folder, name)}");
        return Path.Combine(folder, name);
    }

    private static async Task<BrowserHandle> LaunchAsync()
    {
        Prerequisite.Require(Prerequisite.Installed(Chromium, "scripts/install-deps.sh --tests installs it"));
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
                Timeout = 60_000,
            });
            return new BrowserHandle(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    private sealed class BrowserHandle(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
    {
        public Task<IPage> NewPageAsync(BrowserNewPageOptions options) => browser.NewPageAsync(options);

        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
