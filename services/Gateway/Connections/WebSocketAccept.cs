using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace HeartRule.Gateway.Connections;

/// <summary>RFC 6455's key exchange: proves to the client that the server understood the WebSocket handshake.</summary>
public static class WebSocketAccept
{
    public const int KeyLength = 24;
    public const int AcceptLength = 28;

    private static ReadOnlySpan<byte> Magic => "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8;

    /// <summary>A key is the base64 of 16 bytes: exactly 24 characters.</summary>
    public static bool IsValidKey(string? key)
    {
        if (key is not { Length: KeyLength }) return false;
        Span<byte> decoded = stackalloc byte[18];
        return Convert.TryFromBase64String(key, decoded, out var written) && written == 16;
    }

    public static string Compute(string key)
    {
        Span<byte> accept = stackalloc byte[AcceptLength];
        Write(key, accept);
        return Encoding.ASCII.GetString(accept);
    }

    /// <summary>Writes the accept value (base64 of SHA-1 of key + magic) as ASCII; <paramref name="key"/> must be valid.</summary>
    public static void Write(string key, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[KeyLength + 36];
        Encoding.ASCII.GetBytes(key, input);
        Magic.CopyTo(input[KeyLength..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input, hash);
        Base64.EncodeToUtf8(hash, destination, out _, out _);
    }
}
