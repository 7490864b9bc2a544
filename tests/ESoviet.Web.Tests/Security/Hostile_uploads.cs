using System.IO.Compression;
using System.Net;
using System.Text;
using ESoviet.Testing;
using ESoviet.Web.Tests.Membership;

namespace ESoviet.Web.Tests.Security;

/// <summary>
/// Files built to hurt whoever opens them, uploaded through the API: each is refused with a problem document and
/// stores nothing, or is stored and served inert (a download, its type from its bytes, never sniffed, sandboxed).
/// The sniffer's rules one by one are in <c>Deliberation.Text.Sniffing_uploaded_files</c>.
/// </summary>
public sealed class Hostile_uploads(HostileFixture app) : IClassFixture<HostileFixture>
{
    [Theory]
    [InlineData("report.pdf", "application/pdf", "<html><body><script>alert(document.cookie)</script></body></html>")]
    [InlineData("photo.png", "image/png", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script></svg>")]
    [InlineData("drawing.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>fetch('/api/account/tokens')</script></svg>")]
    [InlineData("notes.txt", "text/plain", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>")]
    public async Task A_file_whose_content_is_markup_is_refused_whatever_its_name_and_type_say(string name, string type, string content)
    {
        using var target = await Target.CreateAsync(app);

        using var response = await UploadAsync(target, name, type, Encoding.UTF8.GetBytes(content));

        await ShouldBeRefusedAsync(target, response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("notes.txt", "text/html", "Plain notes, sent as if they were a web page.")]
    [InlineData("notes.txt", "image/png", "Plain notes, sent as if they were a picture.")]
    [InlineData("scan.pdf", "application/pdf", "Plain notes, named as if they were a PDF.")]
    public async Task A_file_whose_content_contradicts_its_declared_type_or_name_is_refused(string name, string type, string content)
    {
        using var target = await Target.CreateAsync(app);

        using var response = await UploadAsync(target, name, type, Encoding.UTF8.GetBytes(content));

        await ShouldBeRefusedAsync(target, response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_zip_bomb_named_as_a_pdf_is_refused_quickly_without_being_unpacked()
    {
        using var target = await Target.CreateAsync(app);
        var bomb = ZipBomb(entries: 2, bytesEach: 64 * 1024 * 1024);
        bomb.Length.Should().BeLessThan(5 * 1024 * 1024, "it must fit under the upload limit to test anything");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var response = await UploadAsync(target, "minutes.pdf", "application/pdf", bomb);

        await ShouldBeRefusedAsync(target, response, HttpStatusCode.UnsupportedMediaType);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "128 MB were never inflated");
    }

    [Fact]
    public async Task An_empty_file_is_refused()
    {
        using var target = await Target.CreateAsync(app);

        using var response = await UploadAsync(target, "empty.pdf", "application/pdf", []);

        await ShouldBeRefusedAsync(target, response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_text_file_full_of_script_is_served_as_an_inert_download()
    {
        using var target = await Target.CreateAsync(app);
        const string script = "<script>alert(document.cookie)</script> and some text that looks like a note";

        using var uploaded = await UploadAsync(target, "../../../etc/evil.txt", "text/plain", Encoding.UTF8.GetBytes("Notes: " + script));
        uploaded.StatusCode.Should().Be(HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync());
        var stored = await uploaded.ReadJsonAsync();
        stored.GetProperty("contentType").GetString().Should().StartWith("text/plain");
        stored.GetProperty("fileName").GetString().Should().NotContain("/");

        using var served = await target.Member.Client.GetAsync($"/api/orgs/{target.Slug}/attachments/{stored.GetProperty("sha256").GetString()}");

        served.StatusCode.Should().Be(HttpStatusCode.OK);
        served.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        served.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        served.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        string.Join(" ", served.Headers.GetValues("Content-Security-Policy")).Should().Contain("sandbox").And.Contain("default-src 'none'");
    }

    [Fact]
    public async Task A_file_over_the_json_body_limit_but_under_the_upload_limit_is_accepted()
    {
        using var target = await Target.CreateAsync(app);
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Minutes of the tenants' meeting, line after line.\n", 100_000)));
        text.Length.Should().BeGreaterThan(4 * 1024 * 1024);

        using var response = await UploadAsync(target, "minutes.txt", "text/plain", text);

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private static byte[] ZipBomb(int entries, int bytesEach)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var e = 0; e < entries; e++)
            {
                using var stream = zip.CreateEntry($"page{e}.bin", CompressionLevel.Optimal).Open();
                for (var written = 0; written < bytesEach; written += zeros.Length) stream.Write(zeros);
            }
        }
        return buffer.ToArray();
    }

    private static Task<HttpResponseMessage> UploadAsync(Target target, string name, string type, byte[] content) =>
        target.Member.Client.PostAsync($"/api/orgs/{target.Slug}/attachments", ApiSurface.File(name, type, content));

    private async Task ShouldBeRefusedAsync(Target target, HttpResponseMessage response, HttpStatusCode expected)
    {
        response.StatusCode.Should().Be(expected, await response.Content.ReadAsStringAsync());
        (await response.ReadProblemAsync()).Status.Should().Be((int)expected);
        (await app.ScalarAsync<long>("SELECT count(*) FROM attachment_uploads WHERE org_id = $1", target.OrganizationId)).Should().Be(0);
    }
}
