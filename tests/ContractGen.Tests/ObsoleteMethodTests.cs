using ContractGen.Transports;
using MemoryPack;

namespace ContractGen.Tests;

/// <summary>A voucher format the service retires but still accepts from old clients.</summary>
[Obsolete("Send VoucherCode strings instead.")]
[MemoryPackable]
public sealed partial record LegacyVoucher(string Code, int Cents);

/// <summary>
/// A contract that retires methods with [Obsolete] (error-level too) and an obsolete data type. This project builds with
/// warnings as errors, so it only compiles if the generated proxy and dispatcher do.
/// </summary>
[ServiceContract(Name = "com.example.tests.retiring", Context = ServiceContext.User, MaxStringLength = 64)]
[AllowAnyLocalUser] // The in-memory endpoint has no caller credentials to compare with the service's user.
public partial interface IRetiring
{
    [Obsolete("Removed in v2: use AddAsync.", error: true)]
    ValueTask<long> SumAsync(long a, long b, CancellationToken cancellationToken = default);

#pragma warning disable CS0618 // The contract keeps accepting the retired voucher type from old clients.
    [Obsolete("Use RedeemCodeAsync.", DiagnosticId = "CGENTEST1")]
    Task<int> RedeemAsync(LegacyVoucher voucher, CancellationToken cancellationToken = default);
#pragma warning restore CS0618

    ValueTask<long> AddAsync(long a, long b, CancellationToken cancellationToken = default);
}

/// <summary>The service side: an implementation still serves the retired methods.</summary>
internal sealed class Retiring : IRetiring
{
    public ValueTask<long> SumAsync(long a, long b, CancellationToken cancellationToken) => ValueTask.FromResult(a + b);

#pragma warning disable CS0618 // Implements the retired method for old clients.
    public Task<int> RedeemAsync(LegacyVoucher voucher, CancellationToken cancellationToken) => Task.FromResult(voucher.Cents);
#pragma warning restore CS0618

    public ValueTask<long> AddAsync(long a, long b, CancellationToken cancellationToken) => ValueTask.FromResult(a + b);
}

public sealed class ObsoleteMethodTests
{
    // An old client: code compiled before the methods were retired, modelled by a caller that is itself obsolete
    // (the only place C# lets code call an error-level obsolete member).
    [Fact]
    [Obsolete("Calls retired methods on purpose, as an old client would.")]
    public async Task A_service_keeps_serving_methods_and_types_marked_obsolete()
    {
        await using var host = new ServiceHost();
        host.AddService<IRetiring>(new Retiring());
        var endpoint = new InMemoryEndpoint();
        await host.StartAsync(endpoint);
        await using var connection = await ServiceConnection.ConnectAsync<IRetiring>(endpoint).WithPatience();

        Assert.Equal(5, await connection.Proxy.SumAsync(2, 3).WithPatience());
        Assert.Equal(250, await connection.Proxy.RedeemAsync(new LegacyVoucher("SPRING", 250)).WithPatience());
        Assert.Equal(7, await connection.Proxy.AddAsync(3, 4).WithPatience());

        await host.StopAsync();
    }
}
