-- wrk script of the batch benchmark: POST the JSON body in the file $BODY to the URL given to wrk.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local file = io.open(os.getenv("BODY"), "r")
wrk.body = file:read("*a")
file:close()
