using Microsoft.Playwright;

namespace ESoviet.Browser.Tests;

/// <summary>
/// Viewport sizes the browser tests use, and screenshots: saved only when <c>ESOVIET_SCREENSHOTS</c> names a folder
/// (that is how docs/screenshots is refreshed), while the phone-width check always runs.
/// </summary>
public static class Screens
{
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };
    public static readonly ViewportSize Phone = new() { Width = 375, Height = 812 };

    /// <summary>The folder asked for, created; null when no screenshots are wanted.</summary>
    public static string? Folder
    {
        get
        {
            var folder = Environment.GetEnvironmentVariable("ESOVIET_SCREENSHOTS");
            if (string.IsNullOrEmpty(folder)) return null;
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    /// <summary>Saves the whole page as <paramref name="fileName"/>.png, if screenshots are wanted.</summary>
    public static async Task SaveAsync(IPage page, string fileName)
    {
        if (Folder is { } folder)
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{fileName}.png"), FullPage = true });
    }

    /// <summary>Saves the whole page as <paramref name="stem"/>-(its viewport width).png, if screenshots are wanted.</summary>
    public static Task SaveAtWidthAsync(IPage page, string stem) => SaveAsync(page, $"{stem}-{page.ViewportSize?.Width ?? 0}");

    /// <summary>
    /// Asserts the page does not scroll sideways on a phone; saves it at phone and desktop width as
    /// <paramref name="stem"/>-375.png and -1280.png if screenshots are wanted; leaves it at desktop width.
    /// </summary>
    public static async Task CheckPhoneAndSaveAsync(IPage page, string stem)
    {
        await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        overflow.Should().Be(0, $"{stem} ({page.Url}) must not scroll sideways on a phone");
        await SaveAsync(page, $"{stem}-{Phone.Width}");
        await page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
        await SaveAsync(page, $"{stem}-{Desktop.Width}");
    }
}
