using ContractGen.Protocol;

namespace ContractGen.Fuzz;

/// <summary>
/// The handshake and connection-control decoders (Protocol/Handshake.cs): the input is one frame, header and payload;
/// the header's kind chooses the decoder as a real peer's frame would (Hello on the service side; HelloAck, Error and
/// GoAway on the client side), and the payload is decoded exactly as ServerConnection and ServiceConnection decode it.
/// Refusing the payload with <see cref="ContractGenException"/> is expected; any other exception is a finding.
/// </summary>
internal sealed class HandshakeTarget : IFuzzTarget
{
    public string Name => "handshake";

    public void Run(ReadOnlyMemory<byte> input)
    {
        if (input.Length < FrameHeader.Size)
        {
            return;
        }

        var header = FrameHeader.Read(input.Span);

        // The payload is everything after the header: the frame reader has already made the two agree in a real
        // connection, and the decoders are what is under test here.
        var payload = input[FrameHeader.Size..];
        try
        {
            switch (header.Kind)
            {
                case FrameKind.Hello:
                    var hello = Wire.Decode<HelloMessage>(payload);
                    Touch(hello.ContractName);
                    break;
                case FrameKind.HelloAck:
                    var ack = Wire.Decode<HelloAckMessage>(payload);
                    Touch(ack.ContractName);
                    Touch(ack.Detail);
                    break;
                case FrameKind.Error:
                    var error = Wire.Decode<ErrorMessage>(payload);
                    Touch(error.TypeName);
                    Touch(error.Message);
                    Touch(error.StackTrace);
                    foreach (var detail in error.Details ?? [])
                    {
                        Touch(detail);
                    }

                    break;
                default:
                    // GoAway, and every other kind: the GoAway decoder is the one a client runs on any payload it did
                    // not expect, so unknown kinds exercise it too.
                    Touch(Wire.Decode<GoAwayMessage>(payload).Detail);
                    break;
            }
        }
        catch (ContractGenException)
        {
            // Refused with a typed error: what a hostile handshake must get.
        }
    }

    // Every decoded string is read to its end, as a log line or an exception message would read it.
    private static void Touch(string? text)
    {
        if (text is not null)
        {
            _ = string.GetHashCode(text, StringComparison.Ordinal);
        }
    }
}
