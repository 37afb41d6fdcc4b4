// CGEN1001: contract or containing type not partial (docs/diagnostics/CGEN1001.md).
// Neither the container nor the contract is partial, so the generator has nowhere to put the proxy: two errors.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN1001.cs(13,21): error CGEN1001: Add the 'partial' modifier to 'Services' so that ContractGen can generate the code of service contract 'Diagnostics.Samples.Cgen1001.Services.IClock'
// CGEN1001.cs(16,22): error CGEN1001: Add the 'partial' modifier to 'IClock' so that ContractGen can generate the code of service contract 'Diagnostics.Samples.Cgen1001.Services.IClock'
using System;
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen1001;

public static class Services
{
    [ServiceContract(Name = "com.example.samples.cgen1001", Context = ServiceContext.User)]
    public interface IClock
    {
        Task<DateTimeOffset> NowAsync(CancellationToken cancellationToken = default);
    }
}
