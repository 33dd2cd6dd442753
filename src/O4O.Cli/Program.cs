using O4O.Cli;
using O4O.Recovery.IO;

// Before anything is written: the conductor and its children inherit it.
PrivateFiles.RestrictProcessUmask();
return await O4OCommandLine.InvokeAsync(args);
