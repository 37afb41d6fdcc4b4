// CGEN4003: VerifyServerIdentity = false for a System or User contract's connection (docs/diagnostics/CGEN4003.md).
// Without the check, whoever answers on the socket gets every argument: name the uid the daemon runs as instead.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN4003.cs(24,44): warning CGEN4003: Keep VerifyServerIdentity on for the System contract 'IClock' and set ExpectedServerUserId to the uid the service runs as, instead of accepting whoever answers on the socket
using System;
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen4003;

[ServiceContract(Name = "com.example.samples.cgen4003", Context = ServiceContext.System)]
[AllowAnyLocalUser]
public partial interface IClock
{
    Task<DateTimeOffset> NowAsync(CancellationToken cancellationToken = default);
}

public static class ClockReader
{
    public static async Task<DateTimeOffset> ReadAsync()
    {
        await using var connection = await ServiceConnection.ConnectAsync<IClock>(
            new ServiceConnectionOptions { VerifyServerIdentity = false });
        return await connection.Proxy.NowAsync();
    }
}
