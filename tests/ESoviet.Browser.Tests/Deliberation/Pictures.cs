using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ESoviet.Browser.Tests.Deliberation;

/// <summary>Small PNG images made in the test, so no binary fixture has to live in the repository.</summary>
public static class Pictures
{
    /// <summary>An RGB PNG of the given size, each pixel's colour from <paramref name="pixel"/>.</summary>
    public static byte[] Png(int width, int height, Func<int, int, (byte R, byte G, byte B)> pixel)
    {
        var raw = new byte[height * (1 + width * 3)];
        var at = 0;
        for (var y = 0; y < height; y++)
        {
            raw[at++] = 0; // filter: none
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = pixel(x, y);
                raw[at++] = r;
                raw[at++] = g;
                raw[at++] = b;
            }
        }

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bits per channel
        header[9] = 2; // colour type: RGB
        Chunk(png, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(raw);
            Chunk(png, "IDAT", compressed.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A pale "photographed notice": paper with lines of grey text and a red stamp, for the screenshots.</summary>
    public static byte[] Notice(int width = 360, int height = 220) => Png(width, height, (x, y) =>
    {
        var stampX = x - width * 3 / 4;
        var stampY = y - height * 2 / 3;
        var inStamp = stampX * stampX + stampY * stampY is var d && d < 32 * 32 && d > 26 * 26;
        if (inStamp) return (178, 34, 34);
        var margin = x > 28 && x < width - 28;
        var line = (y - 30) % 18 < 5 && y > 30 && y < height - 40 && x < width - 28 - (y * 37 % 90);
        if (margin && line) return (120, 120, 128);
        return ((byte)(246 - y / 20), (byte)(242 - y / 20), 230);
    });

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typed = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type, typed);
        data.CopyTo(typed, 4);
        png.Write(typed);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
