// CGEN1014: contract method without a trailing CancellationToken (docs/diagnostics/CGEN1014.md).
// Without a token the caller cannot give up on a slow service. An Info diagnostic: the IDE shows it, 'dotnet build'
// does not print it (the test that checks this file still expects it).
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN1014.cs(14,21): info CGEN1014: Add a trailing CancellationToken parameter to 'AddAsync' so that its callers can cancel the call and the service hears of it
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen1014;

[ServiceContract(Name = "com.example.samples.cgen1014", Context = ServiceContext.User)]
public partial interface IAdder
{
    ValueTask<long> AddAsync(long a, long b);
}
