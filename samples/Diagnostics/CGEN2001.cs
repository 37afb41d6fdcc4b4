// CGEN2001: invalid wire name (docs/diagnostics/CGEN2001.md).
// The name is what clients and the lock file know the contract by: reverse-DNS, no spaces.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN2001.cs(12,2): error CGEN2001: Change the wire name 'Example Clock ' of service contract 'Diagnostics.Samples.Cgen2001.IClock' to 1 to 256 characters without whitespace or control characters, such as 'com.example.clock'
using System;
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen2001;

[ServiceContract(Name = "Example Clock ", Context = ServiceContext.User)]
public partial interface IClock
{
    Task<DateTimeOffset> NowAsync(CancellationToken cancellationToken = default);
}
