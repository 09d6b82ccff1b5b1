// The worker starts the runtime with dotnet.create() and calls Backprop.Web.Engine; there is nothing to run first.
return;
