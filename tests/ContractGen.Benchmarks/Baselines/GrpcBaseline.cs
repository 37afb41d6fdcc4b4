using System.Net.Sockets;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using GrpcBench = ContractGen.Benchmarks.Grpc.Bench;
using OrderMessage = ContractGen.Benchmarks.Grpc.OrderMessage;

namespace ContractGen.Benchmarks.Baselines;

/// <summary>The gRPC service (bench.proto): what <see cref="BenchService"/> does, completing synchronously.</summary>
internal sealed class GrpcBenchService : GrpcBench.BenchBase
{
    public override Task<Grpc.AddReply> Add(Grpc.AddRequest request, ServerCallContext context)
        => Task.FromResult(new Grpc.AddReply { Sum = unchecked(request.A + request.B) });

    public override Task<Grpc.EchoMessage> Echo(Grpc.EchoMessage request, ServerCallContext context)
        => Task.FromResult(request);

    public override Task<OrderMessage> Place(OrderMessage request, ServerCallContext context)
    {
        var placed = request.Clone();
        placed.Quantity++;
        return Task.FromResult(placed);
    }
}

/// <summary>gRPC for .NET over a Unix domain socket: Kestrel's <c>ListenUnixSocket</c> and a <c>ConnectCallback</c> client.</summary>
internal static class GrpcBaseline
{
    /// <summary>Starts Kestrel (HTTP/2 only, no logging) serving <see cref="GrpcBenchService"/> on <paramref name="path"/>.</summary>
    public static async Task<WebApplication> StartAsync(string path)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(path, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(options => options.MaxReceiveMessageSize = 1024 * 1024);
        var app = builder.Build();
        app.MapGrpcService<GrpcBenchService>();
        await app.StartAsync().ConfigureAwait(false);
        return app;
    }

    /// <summary>A channel whose every connection is a new Unix domain socket to <paramref name="path"/>.</summary>
    public static GrpcChannel Connect(string path)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };

        // The authority is not used for routing: every connection goes to the socket above.
        return GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler, MaxReceiveMessageSize = 1024 * 1024 });
    }

    /// <summary><see cref="Order"/> as the proto message.</summary>
    public static OrderMessage ToMessage(Order order) => new()
    {
        Id = order.Id,
        Customer = order.Customer,
        Sku = order.Sku,
        Quantity = order.Quantity,
        UnitPrice = order.UnitPrice,
        CreatedUnixMs = order.CreatedUnixMs,
        Express = order.Express,
        Priority = order.Priority,
        Currency = order.Currency,
        Warehouse = order.Warehouse,
        Discount = order.Discount,
        Note = order.Note,
    };

    /// <summary>Bytes as a protobuf <c>bytes</c> field (copied, as protobuf's API requires).</summary>
    public static ByteString ToByteString(ReadOnlyMemory<byte> data) => ByteString.CopyFrom(data.Span);
}
