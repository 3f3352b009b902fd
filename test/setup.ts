// A rejection inside an apply or a mock would otherwise pass silently under mocha.
process.on("unhandledRejection", (reason) => {
    throw reason;
});
