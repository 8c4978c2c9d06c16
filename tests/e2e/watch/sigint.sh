wait_log 'poll finished in'
stop_watch 5 INT
