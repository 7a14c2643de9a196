using System.Text;
using QRCoder;

namespace ItInventory.Console.Tests.EndToEnd;

/// <summary>A QR code as a YUV4MPEG2 video, the file format Chromium's fake camera plays
/// (<c>--use-file-for-fake-video-capture</c>): a text header, then per frame the line <c>FRAME</c> and the planes of
/// a 4:2:0 picture — luma, one byte per pixel, then the two chroma planes at half width and height (128: grey).
/// </summary>
public static class QrVideo
{
    public const int Width = 640;
    public const int Height = 480;

    public static byte[] Y4m(string payload, int frames = 10)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.M);
        // The module matrix includes QRCoder's quiet zone; the rest of the frame is white too.
        var modules = data.ModuleMatrix;
        var size = modules.Count;
        var scale = Math.Min(Width, Height) * 9 / 10 / size;
        var left = (Width - size * scale) / 2;
        var top = (Height - size * scale) / 2;
        var luma = new byte[Width * Height];
        Array.Fill(luma, (byte)255);
        for (var row = 0; row < size; row++)
        {
            for (var column = 0; column < size; column++)
            {
                if (!modules[row][column])
                    continue;
                for (var y = top + row * scale; y < top + (row + 1) * scale; y++)
                    Array.Fill(luma, (byte)0, y * Width + left + column * scale, scale);
            }
        }
        var chroma = new byte[Width / 2 * (Height / 2)];
        Array.Fill(chroma, (byte)128);

        using var video = new MemoryStream();
        video.Write(Encoding.ASCII.GetBytes($"YUV4MPEG2 W{Width} H{Height} F10:1 Ip A1:1 C420jpeg\n"));
        for (var i = 0; i < frames; i++)
        {
            video.Write("FRAME\n"u8);
            video.Write(luma);
            video.Write(chroma);
            video.Write(chroma);
        }
        return video.ToArray();
    }
}
