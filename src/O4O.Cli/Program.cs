using O4O.Cli;

return await O4OCommandLine.InvokeAsync(args);
