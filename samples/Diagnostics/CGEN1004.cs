// CGEN1004: return type not Task, ValueTask or IAsyncEnumerable (docs/diagnostics/CGEN1004.md).
// A call to another process is asynchronous: a synchronous result would block the caller's thread on the socket.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN1004.cs(15,5): error CGEN1004: Change the return type of 'Add' from 'int' to Task, Task<T>, ValueTask, ValueTask<T> or IAsyncEnumerable<T>
// CGEN1004.cs(17,5): error CGEN1004: Change the return type of 'Primes' from 'System.Collections.Generic.IEnumerable<int>' to Task, Task<T>, ValueTask, ValueTask<T> or IAsyncEnumerable<T>
using System.Collections.Generic;
using System.Threading;
using ContractGen;

namespace Diagnostics.Samples.Cgen1004;

[ServiceContract(Name = "com.example.samples.cgen1004", Context = ServiceContext.User)]
public partial interface ICalculator
{
    int Add(int a, int b, CancellationToken cancellationToken = default);

    IEnumerable<int> Primes(int below, CancellationToken cancellationToken = default);
}
