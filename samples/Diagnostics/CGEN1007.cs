// CGEN1007: property, event or other non-method member (docs/diagnostics/CGEN1007.md).
// Reading a property or raising an event would hide a round trip to another process behind member syntax.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN1007.cs(14,12): error CGEN1007: Replace member 'Zone' of contract 'Diagnostics.Samples.Cgen1007.IClock' with a method that returns Task or ValueTask
// CGEN1007.cs(16,24): error CGEN1007: Replace member 'Ticked' of contract 'Diagnostics.Samples.Cgen1007.IClock' with a method that returns Task or ValueTask
using System;
using ContractGen;

namespace Diagnostics.Samples.Cgen1007;

[ServiceContract(Name = "com.example.samples.cgen1007", Context = ServiceContext.User)]
public partial interface IClock
{
    string Zone { get; }

    event EventHandler Ticked;
}
