using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using HeartRule.Infrastructure;
using HeartRule.Protocol;
using Microsoft.AspNetCore.WebUtilities;

namespace HeartRule.Gateway.Connections;

/// <summary>The handshake's answers, written straight to the transport.</summary>
public static class HandshakeResponses
{
    // Everything of the 101 but the accept value, which comes last: encoded once, not per socket.
    private static readonly byte[] SwitchingProtocols = Encoding.ASCII.GetBytes(
        "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
        $"Sec-WebSocket-Protocol: {ProtocolJson.SubProtocol}\r\nSec-WebSocket-Accept: ");

    /// <summary>No extension is negotiated: permessage-deflate would cost every socket its compression buffers.</summary>
    public static void WriteSwitchingProtocols(PipeWriter output, string key)
    {
        var span = output.GetSpan(SwitchingProtocols.Length + WebSocketAccept.AcceptLength + 4);
        SwitchingProtocols.CopyTo(span);
        var length = SwitchingProtocols.Length;
        WebSocketAccept.Write(key, span[length..]);
        length += WebSocketAccept.AcceptLength;
        "\r\n\r\n"u8.CopyTo(span[length..]);
        output.Advance(length + 4);
    }

    /// <summary>A problem document in <paramref name="locale"/>, and the connection closes after it.</summary>
    public static void WriteRejection(PipeWriter output, HandshakeRejection rejection, string locale)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(rejection.Problem(locale), Problems.Json);
        // RFC 9110 §15.5.22: a 426 names the protocol to upgrade to, and an Upgrade header is a connection option.
        var connection = rejection.Status == StatusCodes.Status426UpgradeRequired
            ? "Connection: Upgrade, close\r\nUpgrade: websocket\r\n"
            : "Connection: close\r\n";
        Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {rejection.Status} {ReasonPhrases.GetReasonPhrase(rejection.Status)}\r\n" +
            $"Content-Type: {Problems.ContentType}\r\nContent-Length: {body.Length}\r\n{connection}{rejection.Headers}\r\n",
            output);
        output.Write(body);
    }
}
